/*
 * The system calls newlib expects underneath it. There is no OS: malloc is served by the firmware
 * heap (libc-malloc.c, so no sbrk), output goes to the early console, files do not exist, and time
 * comes from the board's clock (hal/native/clock.c).
 * What every C library needs from us (printf, assert, the time) is in libc-common.c.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "libc-common.h"

#undef errno
extern int errno;

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    tsm_console_write(buf, (size_t)len);
    return len;
}

int _read(int fd, char *buf, int len)
{
    (void)fd; (void)buf; (void)len;
    errno = EBADF;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd; (void)offset; (void)whence;
    errno = ESPIPE;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd <= 2;
}

int _getpid(void)
{
    return 1;
}

/* SIGABRT raised inside the C library (abort() itself is ours, libc-common.c): report it as
   a fault rather than hang. */
int _kill(int pid, int sig)
{
    (void)pid; (void)sig;
    tsm_libc_abort();
}

void _exit(int code)
{
    tsm_exit(code);
}

/* Date.now() (engine/src/libc-common.c). */
int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    tsm_libc_time(tv);
    return 0;
}
