/*
 * procfs.h - what pslist knows about processes and threads, and the
 * functions that read it from /proc, end a process and watch processes end.
 *
 * The functions marked STUDENT are yours, in procfs.c. The others are given
 * (lists.c, events.c) and ready for you to call.
 */
#ifndef PROCFS_H
#define PROCFS_H

#include "oslab.h"

#include <sys/types.h> /* pid_t, uid_t */

/*
 * A task's name as /proc shows it. Names set by programs are at most 15
 * bytes (TASK_COMM_LEN 16, NUL included), but since Linux 6.x kernel
 * worker threads show longer ones ("kworker/u8:0-ext4-rsv-conversion").
 */
enum { PROC_COMM_MAX = 64 };

/* The PF_KTHREAD bit of the flags field: this task is a kernel thread. */
#define PROC_FLAG_KTHREAD 0x00200000UL

/*
 * The fields of one line of /proc/PID/stat (or /proc/PID/task/TID/stat)
 * that pslist uses. The numbers are the field numbers of proc(5).
 * A plain value: the caller owns it, no pointers inside.
 */
struct proc_stat {
    pid_t pid;                     /* (1)  process ID, or thread ID in task/ */
    char comm[PROC_COMM_MAX];      /* (2)  name, without its parentheses */
    char state;                    /* (3)  R S D Z T t X I ... */
    pid_t ppid;                    /* (4)  parent's process ID */
    unsigned long flags;           /* (9)  PF_* bits, PROC_FLAG_KTHREAD among them */
    long num_threads;              /* (20) threads in the process */
    unsigned long long start_time; /* (22) clock ticks after boot */
    long rss_pages;                /* (24) resident set size, in pages */
};

/*
 * One process, as the listing shows it. Owned by the proc_list it is in;
 * the list frees cmdline.
 */
struct proc_info {
    struct proc_stat stat; /* from /proc/PID/stat */
    uid_t uid;             /* effective UID, from the "Uid:" line of /proc/PID/status */
    char *cmdline;         /* /proc/PID/cmdline, whole, its final NUL dropped and the
                              NULs between arguments turned into spaces ("sleep\0300\0"
                              is "sleep 300"; a process that rewrote its arguments may
                              leave no final NUL: then none is dropped); "" for kernel
                              threads and zombies (malloc'd) */
};

/* One thread. stat.pid is the thread ID (TID), pid the process it belongs to. */
struct thread_info {
    pid_t pid;             /* the process (thread group) ID */
    struct proc_stat stat; /* from /proc/PID/task/TID/stat: the thread's own name and state */
};

/* A growable array of processes. One owner, no locking (pslist has one thread). */
struct proc_list {
    struct proc_info *items;
    size_t count;
    size_t capacity;
};

/* A growable array of threads. One owner, no locking. */
struct thread_list {
    struct thread_info *items;
    size_t count;
    size_t capacity;
};

/* Which processes a scan visits. */
struct scan_request {
    const char *proc_root; /* "/proc", or another mount of procfs (tests use a fake tree) */
    const pid_t *pids;     /* visit only these processes (in any order) ... */
    size_t npids;          /* ... or, when npids is 0, every process under proc_root */
};

/*
 * One process being watched until it ends. The caller owns the array;
 * watch_open fills in pidfd, watch_wait sets ended, watch_close closes pidfd.
 */
struct watched {
    pid_t pid;  /* the process */
    int pidfd;  /* its pidfd (readable once it has ended), or -1 without pidfd_open */
    bool ended; /* its end has been seen and logged */
};

/* How terminate_process() ended a process (also logged as it happens). */
struct kill_report {
    int signo;        /* the signal sent first */
    bool escalated;   /* the grace period ran out and SIGKILL was sent */
    int64_t sent_ms;  /* now_ms() when the first signal was sent */
    int64_t ended_ms; /* now_ms() when the end was seen */
};

/* ---- STUDENT: reading /proc (procfs.c) -------------------------------------- */

/*
 * Parse TEXT, the contents of a /proc/PID/stat file, into *OUT.
 * The name is everything between the first '(' and the LAST ')': a name may
 * itself contain spaces and parentheses. No field, however long, is copied
 * past a buffer. Returns 0, or -1 with errno EINVAL
 * when TEXT is not a well-formed stat line (then *OUT is unspecified).
 */
int parse_stat(const char *text, struct proc_stat *out);

/*
 * Append to LIST every process that REQ selects, in any order, reading
 * ROOT/PID/stat, ROOT/PID/status and ROOT/PID/cmdline. A process that
 * vanishes while it is read (ENOENT, ESRCH) is skipped, never an error; so is
 * a requested PID that is not a process (absent, or a thread that is not its
 * process's main thread), one whose stat or status we may not read
 * (EACCES), and one whose stat does not parse (cut short as it vanished). A cmdline we may not read is an empty one; one we may read is
 * taken whole, however long (no fixed-size buffer). Every file and directory
 * opened is closed again, whatever happened. Returns 0, or -1 with errno on
 * a real failure (ROOT cannot be opened, out of memory, any other error from
 * open or read: ELOOP, say).
 */
int scan_processes(const struct scan_request *req, struct proc_list *list);

/*
 * Append to LIST every thread of every process that REQ selects, from
 * ROOT/PID/task/TID/stat. As for scan_processes, a requested PID that is not
 * a process (a thread that is not its process's main thread) selects nothing.
 * Vanished processes and threads are skipped (a thread's stat cut short
 * too), and so are a task/ or task/TID/stat we may not read (EACCES).
 * Returns 0, or -1 with errno on a real failure (as for scan_processes).
 */
int scan_threads(const struct scan_request *req, struct thread_list *list);

/*
 * Write the login name of UID into NAME (LEN bytes), or UID in decimal when
 * the password database has no such user. Never fails; NAME is cut to fit.
 */
void user_name(uid_t uid, char *name, size_t len);

/* ---- STUDENT: ending and watching processes (procfs.c) ---------------------- */

/*
 * Send SIGNO to PID, which need not be our child, and wait until it has
 * ended; if it still runs GRACE_MS later, send SIGKILL and wait again (at most
 * KILL_WAIT_MS). Logs each step with log_signal_sent, log_escalation and
 * log_process_ended, each at the moment it happens, and fills *REPORT.
 * The pidfd it opens is closed before it returns.
 * Returns 0 once PID has ended, or -1 with errno: ESRCH (no such process),
 * EPERM (not allowed to signal it), ETIMEDOUT (still there after SIGKILL:
 * stuck in the kernel, state D; no test can make such a process).
 */
int terminate_process(pid_t pid, int signo, int grace_ms, struct kill_report *report);

/* How long terminate_process waits for the end after SIGKILL before giving up. */
enum { KILL_WAIT_MS = 5000 };

/*
 * Get ready to watch PROC->pid end: open a pidfd for it (pidfd_open) into
 * PROC->pidfd, or set PROC->pidfd to -1 when the kernel has no pidfd_open
 * (ENOSYS), after checking that the process exists. Watching needs no
 * permission: any process may be watched, also one we may not signal
 * (pidfd_open does not check; for kill(pid, 0), EPERM means it exists).
 * Returns 0, or -1 with errno ESRCH (no such process).
 */
int watch_open(struct watched *proc);

/*
 * Wait until every watched process has ended or TIMEOUT_MS have passed
 * (0: no timeout). Each end is logged with log_process_ended within a few
 * milliseconds of happening, and marked in ended. Processes whose pidfd is
 * -1 are checked in /proc/PID/stat every few milliseconds instead: gone, or
 * a zombie (Z) with one thread, has ended; Z with more threads is a process
 * whose main thread has ended while others run on. Returns how many
 * processes still run (0: all ended), or -1 with errno.
 */
int watch_wait(struct watched *procs, size_t count, int timeout_ms);

/* Close the pidfds that watch_open opened (those that are not -1). */
void watch_close(struct watched *procs, size_t count);

/* ---- Given: the lists (lists.c) ---------------------------------------------- */

/* Append a copy of *INFO to LIST, which takes over INFO->cmdline. 0, or -1 with errno ENOMEM. */
int proc_list_add(struct proc_list *list, const struct proc_info *info);

/* Append a copy of *INFO to LIST. 0, or -1 with errno ENOMEM. */
int thread_list_add(struct thread_list *list, const struct thread_info *info);

/* Free everything LIST owns and make it empty. */
void proc_list_free(struct proc_list *list);
void thread_list_free(struct thread_list *list);

/* Sort by PID; threads by PID, then TID. */
void proc_list_sort(struct proc_list *list);
void thread_list_sort(struct thread_list *list);

/* ---- Given: the event log lines of --kill and --watch (events.c) ------------- */

/* "sent SIGTERM to 1234" */
void log_signal_sent(pid_t pid, int signo);

/* "1234 still running 2000 ms after SIGTERM: sent SIGKILL" */
void log_escalation(pid_t pid, int first_signo, int grace_ms);

/* "1234 ended after SIGTERM (212 ms)", or for a watch, "1234 ended (watched 1500 ms)".
 * LAST_SIGNO is the last signal sent, or 0 when we only watched. */
void log_process_ended(pid_t pid, int last_signo, int64_t elapsed_ms);

#endif /* PROCFS_H */
