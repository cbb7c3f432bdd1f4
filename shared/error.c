/*
 * error.c - error reporting for oslab programs.
 *
 * Each message is formatted into one buffer and written with one write(2),
 * so that lines from several threads or processes never mix. stdout is
 * flushed first (except in a forked child) so that what the program printed
 * before the error comes out before it.
 */
#include "oslab.h"

/* Room for one message; a longer one is cut, and keeps its newline. */
enum { LINE_SIZE = 2048, MESSAGE_SIZE = 1024 };

/* Write "PROG: MESSAGE[: strerror(ERRNUM)]\n" (ERRNUM 0: no error text),
 * then "Try 'PROG --help'.\n" if USAGE_HINT, to stderr in one write. */
OSLAB_PRINTF(3, 0)
static void report(int errnum, bool usage_hint, const char *fmt, va_list ap)
{
    const char *prog = program_invocation_short_name; /* glibc: basename of argv[0] */
    char message[MESSAGE_SIZE];
    char line[LINE_SIZE];
    int n;

    vsnprintf(message, sizeof message, fmt, ap);
    if (errnum != 0)
        n = snprintf(line, sizeof line, "%s: %s: %s\n", prog, message, strerror(errnum));
    else if (usage_hint)
        n = snprintf(line, sizeof line, "%s: %s\nTry '%s --help'.\n", prog, message, prog);
    else
        n = snprintf(line, sizeof line, "%s: %s\n", prog, message);

    size_t len = n < 0 ? 0 : (size_t)n;
    if (len >= sizeof line) { /* cut: end the line where it was cut */
        len = sizeof line - 1;
        line[len - 1] = '\n';
    }
    /* Nowhere is left to report a failure to write to stderr: ignore it. */
    (void)write_all(STDERR_FILENO, line, len);
}

/* Print "PROG: MESSAGE: strerror(errno)"; errno is preserved. */
void warn_errno(const char *fmt, ...)
{
    int errnum = errno; /* save it first: fflush may change errno */
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    report(errnum, false, fmt, ap);
    va_end(ap);
    errno = errnum;
}

/* Print "PROG: MESSAGE"; errno is preserved. */
void warn_msg(const char *fmt, ...)
{
    int saved_errno = errno;
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    report(0, false, fmt, ap);
    va_end(ap);
    errno = saved_errno;
}

/* Print "PROG: MESSAGE: strerror(errno)" and exit(1). */
noreturn void exit_errno(const char *fmt, ...)
{
    int errnum = errno; /* save it first: fflush may change errno */
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    report(errnum, false, fmt, ap);
    va_end(ap);
    exit(1);
}

/* Print "PROG: MESSAGE: strerror(ERRNUM)" and exit(1): pthread_* return the error, not errno. */
noreturn void exit_en(int errnum, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    report(errnum, false, fmt, ap);
    va_end(ap);
    exit(1);
}

/* Print "PROG: MESSAGE" and exit(1). */
noreturn void exit_msg(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    report(0, false, fmt, ap);
    va_end(ap);
    exit(1);
}

/* Print "PROG: MESSAGE\nTry 'PROG --help'." and exit(2), the status for a bad command line. */
noreturn void exit_usage(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    report(0, true, fmt, ap);
    va_end(ap);
    exit(2);
}

/* Print "Try 'PROG --help'." and exit(2), after the option parser has printed what was wrong. */
noreturn void exit_usage_hint(void)
{
    const char *prog = program_invocation_short_name;
    char line[LINE_SIZE];
    int n = snprintf(line, sizeof line, "Try '%s --help'.\n", prog);

    fflush(stdout);
    (void)write_all(STDERR_FILENO, line, n < 0 ? 0 : (size_t)n);
    exit(2);
}

/* In a forked child: print "PROG: MESSAGE: strerror(errno)" and _exit(STATUS). */
noreturn void exit_child_errno(int status, const char *fmt, ...)
{
    int errnum = errno;
    va_list ap;

    /* No fflush and no exit(): the stdio buffers are copies of the parent's,
     * and flushing them here would print the parent's pending output twice. */
    va_start(ap, fmt);
    report(errnum, false, fmt, ap);
    va_end(ap);
    _exit(status);
}
