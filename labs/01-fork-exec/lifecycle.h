/*
 * lifecycle.h - the life of procman's children: what you write in lifecycle.c.
 *
 * Starting a child (fork, redirections, exec, the 127 path), starting a
 * worker that does not exec, the SIGCHLD path that reaps children and
 * decodes their wait statuses, signalling a child, and ending them all with
 * SIGTERM then SIGKILL. The table they work on is described in children.h;
 * read its rule about SIGCHLD before you start.
 *
 * Every function here is called by the given code (commands.c, main.c) and
 * by the graded tests directly, so keep to these contracts exactly.
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include "oslab.h"

#include "children.h"

/*
 * Describe a wait STATUS in BUF (LEN bytes) and return BUF:
 *   "exited 3"                          WIFEXITED, with WEXITSTATUS
 *   "killed by SIGTERM"                 WIFSIGNALED, with the name of WTERMSIG
 *   "killed by SIGSEGV (core dumped)"   ... when WCOREDUMP is set
 *   "stopped by SIGSTOP"                WIFSTOPPED, with WSTOPSIG
 *   "continued"                         WIFCONTINUED
 * Signal names come from signal_name() (oslab.h).
 */
const char *describe_status(int status, char *buf, size_t len);

/*
 * Start ARGV (argv[0] found through PATH) as a child of procman and record
 * it in TABLE before its end can be reaped. In the child: the signals
 * procman catches are back to their default actions and the signal mask is
 * the one procman had before; with BACKGROUND it is in a process group of
 * its own from the moment start_command returns (setpgid in the child, and
 * in the parent too, whichever runs first) and reads /dev/null unless
 * IN_PATH is given; IN_PATH (if not NULL)
 * is its stdin, OUT_PATH (if not NULL) its stdout, created or truncated,
 * mode 0644. A redirection that cannot be opened: "procman: cannot open
 * 'PATH': REASON" and _exit(1).
 * An exec that fails: "procman: cannot exec 'ARGV0': REASON" and _exit(127).
 * The child never returns from this function.
 * Returns the child's PID; or -1 with errno EAGAIN, starting nothing, when
 * TABLE has no room (table_room); or -1 with fork's errno if fork() failed.
 * Either way the caller's signal mask is as it was.
 */
pid_t start_command(struct child_table *table, char *const argv[], const char *in_path,
                    const char *out_path, bool background);

/*
 * Start a worker: a child that does not exec but runs worker_main(LIFETIME_MS)
 * and ends with _exit() of what it returns. Like a background command, it is
 * in a process group of its own, with the default signal actions and
 * procman's old signal mask, and it is recorded in TABLE (as background)
 * before its end can be reaped. Returns the worker's PID, or -1 with errno as
 * start_command does (EAGAIN: no room; fork's errno).
 */
pid_t start_worker(struct child_table *table, int lifetime_ms);

/*
 * Reap every child whose state has changed, without ever blocking: exited or
 * killed (the slot becomes CHILD_ENDED with its status and ended_ms), stopped
 * (CHILD_STOPPED) or continued (CHILD_RUNNING). Each change is also queued
 * with table_push_event. Returns the number of changes seen: 0 when none,
 * also when there are no children at all (waitpid's ECHILD is no error).
 * Called from the SIGCHLD handler, so async-signal-safe only (ended_ms: read
 * CLOCK_MONOTONIC with clock_gettime, as now_ms() does).
 */
int reap_children(struct child_table *table);

/*
 * Install the SIGCHLD handler: on every SIGCHLD it reaps into TABLE
 * (reap_children) and wakes the main program (table_wake), keeping errno
 * intact. Stops and continues must be reported too. 0, or -1 with errno.
 */
int install_sigchld_handler(struct child_table *table);

/*
 * Send SIGNO to PID, but only if PID is a live (running or stopped) child in
 * TABLE; log it with log_signal_sent. -1 with errno ESRCH for any other PID
 * (never a child, already ended, someone else's), -1 with kill's errno if
 * kill() fails, else 0. Main program.
 */
int signal_child(struct child_table *table, pid_t pid, int signo);

/*
 * End every live child: SIGTERM to each (and SIGCONT to a stopped one, which
 * could not act on SIGTERM otherwise), wait up to GRACE_MS for them to end
 * (no longer: return as soon as all have), then SIGKILL whatever is left at
 * once and wait until every child has been reaped. Each signal sent is
 * logged with log_signal_sent ("kill PID COMMAND: SIGTERM"), as signal_child
 * does. A shutdown signal during the final wait changes nothing: SIGKILL has
 * been sent, so wait on (wait_for_children returns WAIT_SHUTDOWN at once
 * while shutdown_signal is set: clear it first, or the loop spins).
 * Returns how many children needed SIGKILL. Main program.
 */
int terminate_children(struct child_table *table, int grace_ms);

/* ---- Given (commands.c): what a worker does ----------------------------- */

/*
 * The worker's job: work (here: sleep) for LIFETIME_MS, then return the exit
 * status it chooses, its PID modulo 100, so that each worker's status is its
 * own and can be checked in the log.
 */
int worker_main(int lifetime_ms);

#endif /* LIFECYCLE_H */
