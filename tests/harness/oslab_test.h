/*
 * oslab_test.h - what a lab's graded tests are written with.
 *
 * A lab lists its tests in tests/tests.def, one entry each, its fields named
 * (testdef.h lists them all: task, points, timeout, feedback, visibility,
 * limits, runs):
 *
 *     OSLAB_TEST(function, .task = 2, .points = 5, .timeout_ms = 3000,
 *                .feedback = "shown on failure: what was expected, where to look")
 *
 * The grader runs every test in a child process of its own (see runner.c):
 * a test may crash, hang or exit and only that test fails. Inside a test,
 * the CUnit assertions work as usual; OT_ASSERT adds a formatted message that
 * says what was expected and what happened.
 *
 * The working directory of a test is a fresh, private, writable folder, and
 * stdin is /dev/null. Tests wait for readiness (a line of output, a file, a
 * process state), never for a fixed time, and vary their inputs (ot_random*)
 * so that no submission can hard-code the expected answers; the variation is
 * seeded, so a submission gets the same verdict on every run.
 */
#ifndef OSLAB_TEST_H
#define OSLAB_TEST_H

#include "oslab.h"

#include <CUnit/CUnit.h> /* CU_ASSERT_* inside tests */

/* Every test function has this type. */
typedef void (*ot_test_fn)(void);

/* ---- Assertions with a message ------------------------------------------ */

/* Fail the test now with a printf-style message (it never returns). Every
 * process the test started (and their descendants) is killed and reaped
 * first, so a failed test is reported as failed, not as leaving leftovers. */
noreturn void ot_fail_at(const char *file, int line, const char *fmt, ...)
    OSLAB_PRINTF(3, 4);

#define OT_FAIL(...) ot_fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* If COND is false, fail the test now with the printf-style message. */
#define OT_ASSERT(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond))                                                           \
            ot_fail_at(__FILE__, __LINE__, __VA_ARGS__);                       \
        else                                                                   \
            CU_PASS(#cond);                                                    \
    } while (0)

/* ---- The programs under test --------------------------------------------- */

/* Path of the lab's program built from the code under test. */
const char *ot_program(void);

/* Path of another program built beside it (e.g. "forkdelay/procman"). */
const char *ot_program_named(const char *name);

/* Fill ARGV (room for SIZE entries) with FIRST, the strings of AP up to its
 * NULL, and a NULL: the argv of a helper that takes a program's arguments as
 * "...", NULL. Returns how many strings it holds; fails the test if they do
 * not fit. */
size_t ot_argv_from(const char *argv[], size_t size, const char *first, va_list ap);

/* ---- Running a program to completion -------------------------------------- */

/* What a finished program did. The text buffers are NUL-terminated. */
struct ot_result {
    pid_t pid;          /* the PID it ran as */
    int status;         /* raw wait status (WIFEXITED etc.) */
    bool timed_out;     /* killed by ot_run after timeout_ms */
    char *out;          /* everything written to stdout */
    size_t out_len;
    char *err;          /* everything written to stderr */
    size_t err_len;
};

/* Run ARGV (argv[0] a path) with STDIN_TEXT as input (NULL: /dev/null), wait
 * at most TIMEOUT_MS, capture stdout and stderr. Fails the test on a harness
 * error; a program that times out is killed and reported, not failed. */
void ot_run(const char *const argv[], const char *stdin_text, int timeout_ms,
            struct ot_result *result);

/* Release the buffers of RESULT. */
void ot_result_free(struct ot_result *result);

/* Exit status if the program exited, -1 if it was killed by a signal. */
int ot_exit_status(const struct ot_result *result);

/* Human description of a wait status: "ended with exit code 3", "ended by
 * signal SIGSEGV". */
const char *ot_describe_status(int status, char *buf, size_t len);

/* ---- Interactive sessions -------------------------------------------------- */

enum ot_stream { OT_STDOUT, OT_STDERR };

struct ot_session; /* a running program with pipes on stdin, stdout, stderr */

/* Start ARGV; fails the test if it cannot be started. */
struct ot_session *ot_start(const char *const argv[]);

/* The PID of the session's program. */
pid_t ot_session_pid(const struct ot_session *s);

/* Write a printf-style line (add the '\n' yourself) to the program's stdin. */
void ot_send(struct ot_session *s, const char *fmt, ...) OSLAB_PRINTF(2, 3);

/* Wait up to TIMEOUT_MS until a line containing NEEDLE appears on WHICH, after
 * the lines already looked at by earlier calls (lines that did not match are
 * skipped for good). Returns the whole line without its '\n' (owned by the
 * session, valid until ot_end), or NULL on timeout or end of output. */
const char *ot_expect(struct ot_session *s, enum ot_stream which,
                      const char *needle, int timeout_ms);

/* Everything read so far from WHICH (NUL-terminated, owned by the session). */
const char *ot_text(struct ot_session *s, enum ot_stream which);

/* Read whatever is available now (or within WAIT_MS) into the buffers. */
void ot_pump(struct ot_session *s, int wait_ms);

/* Close the program's stdin (end of input). */
void ot_close_stdin(struct ot_session *s);

/* Close stdin, wait up to TIMEOUT_MS for the program to exit (then SIGKILL),
 * drain its output. Returns the raw wait status; sets *TIMED_OUT if non-NULL.
 * The session's texts stay readable until ot_end(). */
int ot_wait(struct ot_session *s, int timeout_ms, bool *timed_out);

/* Kill the program if it still runs, reap it, free the session. */
void ot_end(struct ot_session *s);

/* ---- Processes ------------------------------------------------------------- */

/* The children of PARENT (from /proc/PID/task/TID/children): count, up to MAX stored. */
size_t ot_children(pid_t parent, pid_t *pids, size_t max);

/* How many descriptors process PID has open (0: this process), from
 * /proc/PID/fd; fails the test if it cannot be read. Compare two counts
 * taken the same way to find a descriptor leak. */
int ot_open_descriptors(pid_t pid);

/* How many children of PARENT are zombies (state Z). */
size_t ot_zombie_children(pid_t parent);

/* The state letter of PID from /proc/PID/stat ('R', 'S', 'Z', ...), 0 if gone. */
char ot_proc_state(pid_t pid);

/* Poll PREDICATE(ARG) every millisecond or so until true or TIMEOUT_MS. */
bool ot_wait_until(bool (*predicate)(void *arg), void *arg, int timeout_ms);

/* ---- /dev/shm -------------------------------------------------------------- */

struct ot_names { size_t count; char **names; };

/* The entries of /dev/shm now. */
struct ot_names ot_shm_snapshot(void);

/* Entries of /dev/shm that are not in BEFORE. */
struct ot_names ot_shm_new_since(const struct ot_names *before);

/* Free a name list. */
void ot_names_free(struct ot_names *names);

/* ---- Random inputs and normalised output ------------------------------------ */

/* A random integer in [LO, HI], from a sequence seeded by the test's name (and
 * OSLAB_SEED if set): the same numbers, in the same order, on every run. */
long ot_random(long lo, long hi);

/* "PREFIX-" followed by 8 hex digits, from ot_random's sequence mixed with the
 * PID (unique among tests running side by side), in a malloc'd string. */
char *ot_random_name(const char *prefix);

/* A malloc'd copy of TEXT with times "HH:MM:SS.mmm" replaced by "TT:TT:TT.TTT"
 * and every decimal number equal to one of the N PIDS replaced by "<PID>". */
char *ot_normalize(const char *text, const pid_t *pids, size_t n);

/* Write TEXT to the file PATH (created 0644), failing the test on error. */
void ot_write_file(const char *path, const char *text);

/* Read the whole file PATH into a malloc'd string; NULL if it does not exist. */
char *ot_read_file(const char *path);

#endif /* OSLAB_TEST_H */
