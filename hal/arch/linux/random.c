/*
 * hal.cpu.random32() on the Linux targets: 32 bits from the kernel's random number generator,
 * getrandom(2) with no flags (the urandom source; it blocks only until the kernel's pool is first
 * initialised, early in the host's boot), which the seccomp filter allows (seccomp.c). Backs
 * crypto.getRandomValues() on the Linux boards (soc/linux/services.ts). A call interrupted by a
 * signal (EINTR) is retried; any other failure is an Error, never a weak number. In the table of
 * hal.cpu's Linux members in host-console.c.
 */
#include <stdint.h>
#include "quickjs.h"
#include "arch.h"

#define GETRANDOM_RETRIES 10

JSValue tsm_linux_cpu_random32(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    long r = 0;
    for (int i = 0; i < GETRANDOM_RETRIES; i++) {
        uint32_t v;
        r = tsm_linux_syscall(TSM_SYS_GETRANDOM, (long)&v, sizeof v, 0, 0);
        /* At most 256 bytes are never cut short (getrandom(2), "Interruption by a signal handler"). */
        if (r == (long)sizeof v)
            return JS_NewUint32(ctx, v);
        if (r != -TSM_EINTR)
            break;
    }
    return JS_ThrowInternalError(ctx, "cpu.random32: getrandom(2) failed (%ld)", r);
}
