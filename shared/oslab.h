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

/* Print "Try 'PROG --help'." and exit(2): for a bad command line that the
 * option parser (gengetopt's) has already described. */
noreturn void exit_usage_hint(void);

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

/* ---- The result line of a counting run (shared/countline.c) ----------------
 * Labs where several workers add to one shared counter (03: threads, 04:
 * processes) report each run in one line, the same in both labs:
 *   mode mutex: 4 threads x 1000000 = expected 4000000, got 4000000, lost 0 (0.0%), 0.104 s, 26.0 ns per increment
 * "lost" is expected - got (negative if more was counted than expected); the
 * time per increment is the run's wall time over the expected count, with two
 * decimals below 1 ns. The tests read the line back with parse_count_line.
 */

/* One result line, read back. */
struct count_line {
    char mode[32];           /* "mutex" */
    long workers;            /* 4 */
    char workers_noun[32];   /* "threads" */
    uint64_t per_worker;     /* increments each worker adds: 1000000 */
    uint64_t expected;       /* workers x per_worker */
    uint64_t got;            /* what the counter said at the end */
    int64_t lost;            /* expected - got */
    double lost_percent;     /* lost as a percentage of expected, 1 decimal */
    double seconds;          /* wall time of the run, 3 decimals */
    double ns_per_increment; /* seconds / expected, in ns */
};

/* Write the result line (no newline) of a run of MODE by WORKERS workers
 * (WORKERS_NOUN: "threads", "processes", or the singular for one) that each
 * added PER_WORKER, ended with the counter at GOT, in ELAPSED_NS of wall
 * time, into BUF (LEN bytes). Returns what snprintf returns. */
int format_count_line(char *buf, size_t len, const char *mode, long workers,
                      const char *workers_noun, uint64_t per_worker, uint64_t got,
                      int64_t elapsed_ns);

/* Read a result LINE (a trailing newline allowed) into *OUT; 0, or -1 if
 * LINE is not exactly in the format (*OUT untouched). */
int parse_count_line(const char *line, struct count_line *out);

#endif /* OSLAB_H */
