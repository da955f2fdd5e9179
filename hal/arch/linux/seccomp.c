/*
 * A seccomp filter (seccomp(2), "SECCOMP_SET_MODE_FILTER"; Documentation/userspace-api/seccomp_filter.rst)
 * installed before any JavaScript runs: from then on the process may only write, read, poll (the
 * register space's pipes, registers.c), read the monotonic clock, sleep on it, draw random bytes
 * from the kernel (getrandom(2), for crypto.getRandomValues: hal/arch/linux/random.c) and exit. Nothing
 * can open a descriptor, so read and write reach only the ones boot.c kept. Any other system call kills it (SIGSYS, which
 * `npm run linux` reports as a fault), so even a bug in the engine cannot open a file or a
 * socket. no_new_privs first, as an unprivileged filter requires. qemu-user refuses guest filters
 * (its PR_SET_SECCOMP answers EINVAL, to keep the calls it needs itself): under it, isolation is
 * what the engine offers (no file or network API) and the closed descriptors.
 */
#include <stdint.h>
#include "arch.h"

/* include/uapi/linux/audit.h */
#if defined(__x86_64__)
#define AUDIT_ARCH_SELF 0xc000003eu
#define SYS_PRCTL 157
#elif defined(__arm__)
#define AUDIT_ARCH_SELF 0x40000028u
#define SYS_PRCTL 172
#elif defined(__riscv)
#define AUDIT_ARCH_SELF 0xc00000f3u
#define SYS_PRCTL 167
#endif

/* include/uapi/linux/prctl.h, seccomp.h, filter.h, bpf_common.h */
#define PR_SET_SECCOMP 22
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_RET_KILL_PROCESS 0x80000000u
#define SECCOMP_RET_ALLOW 0x7fff0000u
#define BPF_LD_W_ABS 0x20
#define BPF_JEQ_K 0x15
#define BPF_RET_K 0x06
/* struct seccomp_data: int nr at 0, __u32 arch at 4. */
#define DATA_NR 0
#define DATA_ARCH 4

struct sock_filter {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
struct sock_fprog {
    unsigned short len;
    const struct sock_filter *filter;
};

#define STMT(code, k) { code, 0, 0, k }
/* Jump to the ALLOW at the end when equal: `left` instructions follow this one before it. */
#define ALLOW_IF(nr, left) { BPF_JEQ_K, left, 0, nr }

static const struct sock_filter filter[] = {
    STMT(BPF_LD_W_ABS, DATA_ARCH),
    { BPF_JEQ_K, 1, 0, AUDIT_ARCH_SELF },
    STMT(BPF_RET_K, SECCOMP_RET_KILL_PROCESS),
    STMT(BPF_LD_W_ABS, DATA_NR),
    ALLOW_IF(TSM_SYS_WRITE, 7),
    ALLOW_IF(TSM_SYS_READ, 6),
    ALLOW_IF(TSM_SYS_PPOLL, 5),
    ALLOW_IF(TSM_SYS_CLOCK_GETTIME, 4),
    ALLOW_IF(TSM_SYS_CLOCK_NANOSLEEP, 3),
    ALLOW_IF(TSM_SYS_GETRANDOM, 2),
    ALLOW_IF(TSM_SYS_EXIT_GROUP, 1),
    STMT(BPF_RET_K, SECCOMP_RET_KILL_PROCESS),
    STMT(BPF_RET_K, SECCOMP_RET_ALLOW),
};

/* 0 when the filter is in place, else the kernel's (or emulator's) -errno. */
long tsm_linux_restrict_syscalls(void)
{
    static const struct sock_fprog prog = { sizeof filter / sizeof filter[0], filter };
    long r = tsm_linux_syscall(SYS_PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
    if (r < 0)
        return r;
    return tsm_linux_syscall(SYS_PRCTL, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (long)&prog, 0);
}
