/*
 * musl (Debian's musl-dev) under the linux-amd64 executable: an ordinary static Linux program, so
 * musl's own system calls go to the kernel (unlike engine/src/libc-musl.c, which serves them in
 * ring 0). Its start-up (__libc_start_main: the auxiliary vector, the thread pointer behind
 * errno, init_array) runs first, from the initial stack hal/arch/linux/amd64/start.S passes.
 * The firmware's own calls (console, clock, exit) go through hal/arch/linux/, not musl.
 */
#include <stdint.h>
#include <stdlib.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "libc-common.h"

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*ldso)(void));

static int enter_engine(int argc, char **argv, char **envp)
{
    (void)envp;
    tsm_linux_boot(argc, argv);
}

void tsm_linux_musl_start(uintptr_t *initial_sp)
{
    __libc_start_main(enter_engine, (int)initial_sp[0], (char **)(initial_sp + 1), 0, 0, 0);
    tsm_exit(TSM_EXIT_ENGINE_INIT);
}
