/*
 * oslab.h - the one header every oslab program includes, first.
 *
 * It sets the feature-test macros before any system header is read, pulls in
 * the headers almost every lab needs, and declares the small utility library
 * in shared/: error reporting, strict number parsing, signal names, a
 * timestamped event log and time helpers.
 */
#ifndef OSLAB_H
#define OSLAB_H

/* Feature-test macros must come before the first system header. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POSIX.1-2008 plus Linux: pidfd, signalfd, sigabbrev_np */
#endif

#include <errno.h>     /* errno and the E* codes */
#include <stdarg.h>    /* va_list for the printf-like helpers */
#include <stdbool.h>   /* bool */
#include <stddef.h>    /* size_t */
#include <stdint.h>    /* int64_t for times */
#include <stdio.h>     /* printf family */
#include <stdlib.h>    /* exit, malloc */
#include <stdnoreturn.h> /* noreturn on the fatal error functions */
#include <string.h>    /* strerror, memcpy */
#include <sys/types.h> /* pid_t, ssize_t */
#include <unistd.h>    /* fork, read, write, _exit */

/* printf-style format checking for our own variadic functions. */
#define OSLAB_PRINTF(fmt_index, first_arg) \
    __attribute__((format(printf, fmt_index, first_arg)))

/* ---- Error reporting (shared/error.c) --------------------------------------
 * Every message starts with the program's name ("procman: ...") and goes to
 * stderr after stdout has been flushed, so the two stay in order.
 * Names say what they do: "_errno" appends strerror(errno), "_en" appends
 * strerror of an error number returned by a pthread function, "exit" ends the
 * process with status 1, "_child" ends a forked child with _exit().
 */

/* Print "PROG: MESSAGE: strerror(errno)"; do not exit. errno is preserved. */
void warn_errno(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/* Print "PROG: MESSAGE"; do not exit. */
void warn_msg(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/* Print "PROG: MESSAGE: strerror(errno)" and exit(1). */
noreturn void exit_errno(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/* Print "PROG: MESSAGE: strerror(errnum)" and exit(1): for pthread_* returns. */
noreturn void exit_en(int errnum, const char *fmt, ...) OSLAB_PRINTF(2, 3);

/* Print "PROG: MESSAGE" and exit(1). */
noreturn void exit_msg(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/* Print "PROG: MESSAGE\nTry 'PROG --help'." and exit(2): bad command line. */
noreturn void exit_usage(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/*
 * In a forked child: print "PROG: MESSAGE: strerror(errno)" and _exit(status).
 * _exit, not exit: the child must not flush the parent's copied stdio buffers
 * or run its atexit handlers. Async-signal-safe apart from the formatting.
 */
noreturn void exit_child_errno(int status, const char *fmt, ...) OSLAB_PRINTF(2, 3);

/* ---- Strict number parsing (shared/parse.c) --------------------------------
 * The whole text must be a base-10 integer in [min, max], an optional sign
 * allowed ("-0" is 0): no leading space, no trailing junk, no overflow. The
 * non-exiting core fills errbuf with a message that names the option and its
 * range ("--threads: '99999999999' is not an integer from 1 to 64"); the get_
 * variant exits with status 2.
 */

/* Parse TEXT into *OUT; 0 on success, -1 with a message in ERRBUF on error
 * (*OUT untouched; ERRBUF may be NULL when ERRLEN is 0). Changes errno. */
int parse_long(const char *text, long min, long max, const char *name,
               long *out, char *errbuf, size_t errlen);

/* Parse TEXT or exit_usage() with the message: for command-line options. */
long get_long(const char *text, long min, long max, const char *name);

/* ---- Signal names (shared/signals.c) -------------------------------------- */

/* Parse "TERM", "SIGTERM", "sigterm", "RTMIN+3", "RTMAX-1" or a number from 1
 * to SIGRTMAX into *SIGNO; 0, or -1 if unknown (*SIGNO untouched). */
int parse_signal(const char *text, int *signo);

/* "SIGTERM" for SIGTERM, a string literal. Real-time and unknown numbers give
 * "SIGRTMIN+3" or "signal 99" in a buffer of the calling thread, valid until
 * that thread's next call. Never NULL. Not async-signal-safe. */
const char *signal_name(int signo);

/* ---- Event log (shared/eventlog.c) -----------------------------------------
 * Each line is "HH:MM:SS.mmm MESSAGE\n" (local time of day, milliseconds),
 * at most 4096 bytes with its newline (PIPE_BUF), written with one write(2)
 * call to a descriptor opened with O_APPEND, so lines from several threads or
 * processes never interleave. Logging functions preserve errno. Call
 * evlog_open and evlog_close while no other thread is logging.
 */

/* Log to PATH (appending, created 0644), or to stderr when PATH is NULL. 0 or -1 with errno. */
int evlog_open(const char *path);

/* Close the log file (stderr is left open). Safe to call twice. */
void evlog_close(void);

/* Log one line, printf-style. Thread-safe; a long line is cut, keeping its newline. */
void evlog(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/* Log one line of plain text from a signal handler: async-signal-safe. Local
 * time comes from the UTC offset seen by the last evlog_open or evlog (UTC
 * before either). */
void evlog_signal_safe(const char *message);

/* ---- Time (shared/timeutil.c) ---------------------------------------------- */

/* Monotonic clock in milliseconds: for deadlines and durations, never wall time. */
int64_t now_ms(void);

/* Monotonic clock in nanoseconds: for benchmarks. */
int64_t now_ns(void);

/* Sleep MS milliseconds in total, resuming after signal handlers (EINTR);
 * MS <= 0 returns at once. */
void sleep_ms(int64_t ms);

/* ---- I/O (shared/io.c) ------------------------------------------------------ */

/* Write all LEN bytes, retrying short writes and EINTR; 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

#endif /* OSLAB_H */
