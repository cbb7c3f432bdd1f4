/*
 * eventlog.c - a timestamped event log: "HH:MM:SS.mmm MESSAGE\n".
 *
 * Why lines never interleave, without any lock: each line is built in one
 * buffer and handed to the kernel in one write(2). On a file opened with
 * O_APPEND the kernel moves to the end and writes as one step, and a write of
 * at most PIPE_BUF (4096) bytes to a pipe is atomic. So lines are cut at
 * 4096 bytes, newline included.
 */
#include "oslab.h"

#include <fcntl.h>     /* open, O_* flags */
#include <stdatomic.h> /* atomic_int, atomic_long */
#include <time.h>      /* clock_gettime, localtime_r, tzset */

enum {
    LINE_BYTES = 4096, /* longest line, newline included: PIPE_BUF on Linux */
    STAMP_BYTES = 13,  /* "HH:MM:SS.mmm " */
};

/* Where lines go. Set by evlog_open/evlog_close, read by every thread and by
 * signal handlers: atomic (and lock-free) so that a read is never torn. */
static atomic_int log_fd = STDERR_FILENO;

/* Local time minus UTC, in seconds. A signal handler cannot call localtime,
 * so evlog_open and each evlog remember the offset for evlog_signal_safe. */
static atomic_long utc_offset = 0;

/* Write VALUE as WIDTH decimal digits, zero-padded, at OUT. Async-signal-safe. */
static void put_digits(char *out, long value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Write the "HH:MM:SS.mmm " stamp (STAMP_BYTES long) at LINE. Async-signal-safe. */
static void put_stamp(char *line, long hour, long minute, long second, long millis)
{
    put_digits(line, hour, 2);
    line[2] = ':';
    put_digits(line + 3, minute, 2);
    line[5] = ':';
    put_digits(line + 6, second, 2);
    line[8] = '.';
    put_digits(line + 9, millis, 3);
    line[12] = ' ';
}

/* Hand one whole line to the kernel: one write(2), the call that keeps lines whole. */
static void emit_line(const char *line, size_t len)
{
    if (write(atomic_load(&log_fd), line, len) == -1) {
        /* A log line that cannot be written is dropped: retrying could
         * split it, and there is nowhere else to report the failure. */
    }
}

/* Log to PATH (appending, created 0644), or to stderr when PATH is NULL; 0, or -1 with errno. */
int evlog_open(const char *path)
{
    int fd = STDERR_FILENO;

    if (path != NULL) {
        /* O_APPEND: every write lands at the end, even from other processes.
         * O_CLOEXEC: programs this one executes do not inherit the log. */
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd == -1)
            return -1;
    }

    /* Read TZ now and cache the offset for evlog_signal_safe. */
    tzset();
    time_t now = time(NULL);
    struct tm local;
    if (localtime_r(&now, &local) != NULL)
        atomic_store(&utc_offset, local.tm_gmtoff);

    int old_fd = atomic_exchange(&log_fd, fd);
    if (old_fd != STDERR_FILENO && close(old_fd) == -1)
        warn_errno("close the previous event log");
    return 0;
}

/* Close the log file and log to stderr again (stderr itself stays open). Safe to call twice. */
void evlog_close(void)
{
    int fd = atomic_exchange(&log_fd, STDERR_FILENO);

    if (fd != STDERR_FILENO && close(fd) == -1)
        warn_errno("close the event log");
}

/* Log one line, printf-style, cut at LINE_BYTES; thread-safe, errno preserved. */
void evlog(const char *fmt, ...)
{
    int saved_errno = errno;
    char line[LINE_BYTES];
    struct timespec now;
    struct tm local;
    va_list ap;

    /* Neither call can fail with a valid clock and valid pointers. */
    clock_gettime(CLOCK_REALTIME, &now);
    localtime_r(&now.tv_sec, &local);
    atomic_store(&utc_offset, local.tm_gmtoff); /* follows daylight saving changes */

    put_stamp(line, local.tm_hour, local.tm_min, local.tm_sec, now.tv_nsec / 1000000);

    /* vsnprintf writes at most (room - 1) characters and a NUL; the newline
     * then takes the NUL's place, so the line never exceeds LINE_BYTES. */
    size_t room = sizeof line - STAMP_BYTES;
    va_start(ap, fmt);
    int n = vsnprintf(line + STAMP_BYTES, room, fmt, ap);
    va_end(ap);
    size_t message_len = n < 0 ? 0 : (size_t)n;
    if (message_len > room - 1)
        message_len = room - 1; /* the message was cut */

    size_t len = STAMP_BYTES + message_len;
    line[len++] = '\n';
    emit_line(line, len);
    errno = saved_errno;
}

/* Log MESSAGE from a signal handler: only async-signal-safe calls (no stdio,
 * no localtime, no locks), one write; errno preserved. */
void evlog_signal_safe(const char *message)
{
    int saved_errno = errno; /* the interrupted code may be about to read errno */
    char line[LINE_BYTES];
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now); /* async-signal-safe (POSIX) */
    long seconds = (long)((now.tv_sec + atomic_load(&utc_offset)) % 86400);
    if (seconds < 0)
        seconds += 86400;
    put_stamp(line, seconds / 3600, seconds / 60 % 60, seconds % 60, now.tv_nsec / 1000000);

    size_t len = STAMP_BYTES;
    while (*message != '\0' && len < sizeof line - 1)
        line[len++] = *message++;
    line[len++] = '\n';
    emit_line(line, len);
    errno = saved_errno;
}
