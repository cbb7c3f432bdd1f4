/*
 * nopidfd.c - linked into pslist-nopidfd with -Wl,--wrap=syscall and
 * -Wl,--wrap=pidfd_open: pidfd_open fails with ENOSYS, as on a kernel older
 * than 5.3, whichever way the code under test calls it. Every other system
 * call goes through unchanged. Test support, not student code.
 */
#include "oslab.h"

#include <sys/syscall.h> /* SYS_pidfd_open */

long __real_syscall(long number, ...);
long __wrap_syscall(long number, ...);
int __wrap_pidfd_open(pid_t pid, unsigned int flags);

/* syscall(2) with SYS_pidfd_open refused; any other number passed on with its six arguments. */
long __wrap_syscall(long number, ...)
{
    if (number == SYS_pidfd_open) {
        errno = ENOSYS;
        return -1;
    }
    /* A system call takes at most six arguments, each one register wide:
     * passing six on is what syscall(2) itself does. */
    va_list ap;
    va_start(ap, number);
    long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
    long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
    va_end(ap);
    return __real_syscall(number, a1, a2, a3, a4, a5, a6);
}

/* glibc's pidfd_open() wrapper (2.36 and later), refused the same way. */
int __wrap_pidfd_open(pid_t pid, unsigned int flags)
{
    (void)pid;
    (void)flags;
    errno = ENOSYS;
    return -1;
}
