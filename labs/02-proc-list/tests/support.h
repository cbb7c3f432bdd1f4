/*
 * support.h - what the tests of lab 02 share: target processes to list,
 * kill and watch, running pslist, reading its rows and its event log.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include "oslab.h"

#include "oslab_test.h"
#include "procfs.h"

enum { TARGET_MAX_THREADS = 16, TARGET_MAX_CHILDREN = 16 };

/* A running pslist-target (see target.c). Owned by the test that started it. */
struct target {
    struct ot_session *session;
    pid_t pid;
    pid_t tids[TARGET_MAX_THREADS]; /* its extra threads, in creation order */
    int thread_count;
    pid_t children[TARGET_MAX_CHILDREN];
    int child_count;
    pid_t zombie;  /* 0 without --zombie */
    char *cmdline; /* its command line, arguments joined by spaces (malloc'd) */
    bool waited;   /* target_wait has closed its input and reaped it */
};

/*
 * Start pslist-target with the NULL-terminated ARGS and wait for it to be
 * ready.
 */
struct target *target_start(const char *const args[]);

/* Stop T cleanly ("quit": it reaps its own children first), reap it and free it. */
void target_stop(struct target *t);

/* Wait at most TIMEOUT_MS for T to end by itself (or a signal); its raw wait status. */
int target_wait(struct target *t, int timeout_ms);

/* Wait for T's "ended EPOCH_MS" line (after "exit" or SIGTERM); its time as ms of the day. */
long target_end_time(struct target *t, int timeout_ms);

/*
 * Kill, with PROGRAM (pslist or a variant), a target that takes 100 to
 * MAX_DELAY ms to end after SIGTERM: the end must be logged after it happened,
 * without SIGKILL, and within 50 ms (measured twice if late). In test_kill.c.
 */
void kill_delayed_on_time(const char *program, int max_delay);

/* Kill, with PROGRAM, a target that ignores SIGTERM: SIGKILL once --grace-ms have
 * passed, each step logged. In test_kill.c. */
void kill_escalates_with(const char *program);

/* Kill, with PROGRAM, a process whose main thread has ended while another runs on (test_kill.c). */
void kill_leader_exited_with(const char *program);

/* Run the program at PATH with the NULL-terminated ARGS; a timeout fails the test. */
void run_program(const char *path, const char *const args[], int timeout_ms,
                 struct ot_result *result);

/* Run pslist with the NULL-terminated ARGS: phantom/pslist, whose every scan
 * meets a vanished process (tests/phantom.c). */
void run_pslist(const char *const args[], int timeout_ms, struct ot_result *result);

/* Path of a program built beside pslist, in a malloc'd string. */
char *program_path(const char *name);

/* The line of TEXT whose first field (after blanks) is NUMBER, malloc'd; NULL if none. */
char *find_row(const char *text, long number);

/* How many lines TEXT has. */
size_t count_lines(const char *text);

/* Split LINE at blanks into at most MAX fields; the last takes the rest of the line. */
size_t split_fields(char *line, char **fields, size_t max);

/* Split LINE at tabs into at most MAX fields. */
size_t split_tabs(char *line, char **fields, size_t max);

/* The login name of UID as pslist should show it: the password database, else the number. */
void expected_user(uid_t uid, char *name, size_t len);

/* The first line of TEXT that contains NEEDLE, malloc'd; NULL if none. */
char *find_line(const char *text, const char *needle);

/* Time of day in ms of an event log line "HH:MM:SS.mmm ...", -1 if LINE has no stamp. */
long stamp_ms(const char *line);

/* Milliseconds from day time A to day time B (B - A), right across midnight. */
long day_ms_between(long a, long b);

/* The thread IDs in /proc/PID/task, into TIDS (at most MAX); how many. */
size_t read_task_ids(pid_t pid, pid_t *tids, size_t max);

/* A random name of LEN bytes (1-15) from letters, digits and "-_.". NAME has LEN + 1 bytes. */
void random_name(char *name, size_t len);

/* A PID that no process has now (a child of ours, already reaped). */
pid_t unused_pid(void);

#endif /* SUPPORT_H */
