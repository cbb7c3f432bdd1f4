/*
 * children.h - the table of procman's children (given code: children.c).
 *
 * The table is shared by two flows of control in one process: the main
 * program (commands, the event loop) and the SIGCHLD handler, which may run
 * between any two instructions of the main program. One rule keeps it
 * consistent, and every function below states its side of it:
 *
 *   The main program changes or reads the table only while SIGCHLD is
 *   blocked. The SIGCHLD handler (through reap_children) is then the only
 *   code that can run "inside" it, and it never sees a half-filled slot.
 *
 * A slot is filled by table_add when a child starts. From then on the
 * handler alone writes the child's state, status and ended_ms, and appends
 * one event per change to a ring that the main program empties into the
 * event log (log_child_events). An ended child keeps its slot, for `list`
 * and `wait`, until the slot is needed again.
 */
#ifndef CHILDREN_H
#define CHILDREN_H

#include "oslab.h"

#include <signal.h> /* sig_atomic_t */

enum {
    COMMAND_TEXT_MAX = 256, /* a child's command line as shown, cut to this */
    EVENT_RING_SIZE = 256,  /* state changes the handler can queue for the log */
};

/* What a child runs: a program (run, spawn) or the worker function (create). */
enum child_kind { CHILD_COMMAND, CHILD_WORKER };

/* Where a child is in its life, as procman last learnt it from waitpid. */
enum child_state {
    CHILD_FREE,    /* the slot holds no child */
    CHILD_RUNNING, /* started, or continued after a stop */
    CHILD_STOPPED, /* stopped by a signal (SIGSTOP, SIGTSTP, ...) */
    CHILD_ENDED,   /* exited or killed, and reaped: status says how */
};

/* One child of procman. */
struct child {
    /* Set by table_add (SIGCHLD blocked); constant while the slot is in use. */
    pid_t pid;
    enum child_kind kind;
    bool background;                /* spawn and create: in a process group of its own */
    int64_t started_ms;             /* now_ms() when it was recorded */
    char command[COMMAND_TEXT_MAX]; /* "sleep 30", or "[worker]" */

    /* Written by the SIGCHLD handler only, after table_add. */
    volatile sig_atomic_t state;  /* enum child_state */
    volatile sig_atomic_t status; /* the wait status that ended it (CHILD_ENDED) */
    volatile int64_t ended_ms;    /* now_ms() when it was reaped */

    /* Main program only. */
    bool end_logged; /* its end is in the log: the slot may be reused */
};

/* One change of a child's state, queued by the handler for the event log. */
struct child_event {
    pid_t pid;
    int status;          /* as waitpid returned it: exited, killed, stopped or continued */
    struct child *child; /* its slot, or NULL if the PID was not in the table */
};

/*
 * The table. The ring of events has one writer, the SIGCHLD handler, which
 * appends at (first_event + event_count), and one reader, the main program,
 * which takes from first_event with SIGCHLD blocked.
 */
struct child_table {
    struct child *slots; /* capacity slots: --max-children */
    size_t capacity;
    bool quiet; /* --quiet: log only how children ended */

    /* The wake-up pipe (the "self-pipe"): a signal handler writes one byte to
     * wake_fds[1]; the main program's poll() watches wake_fds[0]. Both ends
     * are non-blocking and close-on-exec. */
    int wake_fds[2];

    struct child_event events[EVENT_RING_SIZE];
    size_t first_event;                /* main program only */
    volatile sig_atomic_t event_count; /* handler adds, main program takes */
    volatile sig_atomic_t events_lost; /* the ring was full: counted, not queued */

    unsigned long started;        /* children recorded by table_add */
    volatile sig_atomic_t reaped; /* ends reaped for a child in the table */
    volatile sig_atomic_t strays; /* ends reaped for a PID not in the table */
};

/* What wait_for_children saw. */
enum wait_result {
    WAIT_DONE,     /* the child (or every child) has ended */
    WAIT_TIMEOUT,  /* the time given ran out first */
    WAIT_SHUTDOWN, /* SIGINT or SIGTERM asked procman to quit */
};

/* 0, or the signal (SIGINT, SIGTERM) that asked procman to shut down; set by
 * main.c's handler, read by wait_for_children and the event loop. */
extern volatile sig_atomic_t shutdown_signal;

/* Block SIGCHLD, saving the old mask in *SAVED: how the main program looks at the
 * table without the handler changing it underneath (the rule above). */
void block_sigchld(sigset_t *saved);

/* Put back the signal mask saved by block_sigchld. */
void restore_mask(const sigset_t *saved);

/* Make an empty table of CAPACITY slots and its wake-up pipe. 0, or -1 with errno. */
int table_init(struct child_table *table, size_t capacity);

/* Free the slots and close the wake-up pipe. */
void table_destroy(struct child_table *table);

/* How many children could start now: free slots plus ended, logged ones.
 * Main program, SIGCHLD blocked or not: a slot only ever becomes free. */
size_t table_room(const struct child_table *table);

/* How many children are running or stopped. */
size_t table_live_count(const struct child_table *table);

/*
 * Record the new child PID in a free slot and return it, state CHILD_RUNNING.
 * ARGV (NULL for a worker) gives the command text. Call it with SIGCHLD
 * blocked, after fork() returned PID and before the handler may look for it.
 * NULL if the table is full (check table_room before fork()).
 */
struct child *table_add(struct child_table *table, pid_t pid, enum child_kind kind,
                        char *const argv[], bool background);

/* The slot of PID if it is a live child (running or stopped), else NULL.
 * Async-signal-safe: the handler calls it. */
struct child *table_find(struct child_table *table, pid_t pid);

/* The slot of PID, live or ended (the newest if the PID was reused), else NULL.
 * Main program, SIGCHLD blocked. */
struct child *table_find_any(struct child_table *table, pid_t pid);

/* Queue a change of PID's state (a wait STATUS) for the log; CHILD is its
 * slot or NULL. Counts ends in reaped/strays. For the SIGCHLD handler:
 * async-signal-safe. */
void table_push_event(struct child_table *table, pid_t pid, int status, struct child *child);

/* Write one byte to the wake-up pipe so that poll() in the main program
 * returns. Async-signal-safe; a full pipe already wakes it, so EAGAIN is fine. */
void table_wake(struct child_table *table);

/* Read and discard what is in the wake-up pipe. Main program. */
void table_drain_wake(struct child_table *table);

/* Log every queued event: "exit PID COMMAND: HOW", "stop ...", "continue ...".
 * Main program; it blocks SIGCHLD itself. */
void log_child_events(struct child_table *table);

/* Log "start PID COMMAND" (not with --quiet). Main program. */
void log_child_start(const struct child_table *table, pid_t pid, const char *command);

/* Log "kill PID COMMAND: SIGNAME" for a signal procman sent (not with --quiet). */
void log_signal_sent(const struct child_table *table, const struct child *child, int signo);

/*
 * Block until PID has ended (PID 0: every child has ended), logging events
 * as they come, or until TIMEOUT_MS have passed (-1: no limit), or until a
 * shutdown signal arrives. Main program; SIGCHLD must not be blocked, or no
 * end would ever be seen.
 */
enum wait_result wait_for_children(struct child_table *table, pid_t pid, int timeout_ms);

/* Write ARGV joined by spaces into BUF (cut to LEN - 1 characters, "..." at the cut). */
void format_command(char *const argv[], char *buf, size_t len);

#endif /* CHILDREN_H */
