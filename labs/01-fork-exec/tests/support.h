/*
 * support.h - helpers shared by Lab 01's tests: procman sessions, the event
 * log's lines and times, and what /proc says about a process.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include "oslab.h"

#include "oslab_test.h"

#include "children.h"
#include "lifecycle.h"

enum { PM_MAX_CHILDREN = 64 };

/* A running procman and the children it said it started (killed at pm_end). */
struct pm {
    struct ot_session *session;
    pid_t pid;
    pid_t children[PM_MAX_CHILDREN];
    size_t child_count;
};

/* ot_wait_until predicate: has the PID at ARG exec'd sleep? */
bool runs_sleep(void *arg);

/* The procman the black-box tests run: forkdelay/procman, built from the
 * same code with tests/forkdelay.c between it and fork, table_add, sigaction
 * and signal, so that no race around fork or SIGCHLD is left to chance: with
 * PROCMAN_FORKDELAY unset the races never strike, with "parent" or "child"
 * the race around fork strikes every time. */
const char *pm_program(void);

/* Start PROGRAM (a path: pm_program() or ot_program_named(...)) with the
 * options that follow, up to a NULL. */
struct pm *pm_start(const char *program, ...);

/* Send one command line (printf-style; the newline is added). */
void pm_send(struct pm *pm, const char *fmt, ...) OSLAB_PRINTF(2, 3);

/* The next line of WHICH containing NEEDLE within TIMEOUT_MS, or fail the
 * test with WHY and what procman printed so far. */
const char *pm_expect(struct pm *pm, enum ot_stream which, const char *needle, int timeout_ms,
                      const char *why);

/* The first line anywhere in WHICH (read so far, or within TIMEOUT_MS)
 * containing NEEDLE, in whatever order lines came; or fail the test with
 * WHY. The copy returned stays valid for the next 7 calls. */
const char *pm_find(struct pm *pm, enum ot_stream which, const char *needle, int timeout_ms,
                    const char *why);

/* Send "spawn COMMAND", read "started PID COMMAND", remember PID; returns it. */
pid_t pm_spawn(struct pm *pm, const char *command);

/* Send "create N", read the N "started PID [worker]" lines into PIDS. */
void pm_create(struct pm *pm, int n, pid_t *pids);

/* Send "quit", wait up to TIMEOUT_MS for procman to exit, and fail unless it
 * exited 0. */
void pm_quit(struct pm *pm, int timeout_ms);

/* Kill what is left (procman, the children it started) and free PM. */
void pm_end(struct pm *pm);

/* How many times NEEDLE occurs in TEXT. */
size_t count_occurrences(const char *text, const char *needle);

/* The time of day of an event-log line ("HH:MM:SS.mmm ..."), in ms since midnight. */
int64_t log_time(const char *line);

/* B - A for two log times, across midnight too. */
int64_t log_time_diff(int64_t a, int64_t b);

/* Field NUMBER (1-based, as in proc(5)) of /proc/PID/stat; -1 if PID is gone. */
long proc_stat_field(pid_t pid, int number);

/* The hexadecimal mask on the line "NAME:" of /proc/PID/status; 0 if PID is gone. */
unsigned long long proc_status_mask(pid_t pid, const char *name);

/* Wait up to TIMEOUT_MS for PID to be a zombie; false if it is not. */
bool wait_for_zombie(pid_t pid, int timeout_ms);

/* Fork a child that blocks every signal it can and waits, not known to procman. */
pid_t start_foreign_process(void);

/* Kill and reap a process this test forked itself. */
void end_own_child(pid_t pid);

#endif /* SUPPORT_H */
