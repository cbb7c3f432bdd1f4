/*
 * runner.h - the parts of the grading parent (runner) and what they share.
 *
 *   runner.c     the command line, the table of tests, grading a lab, reports
 *   sandbox.c    choosing the sandbox once (a trial run) and confining a test:
 *                limits, UID, no new privileges, a seccomp filter, cgroups
 *   isolate.c    isolated mode: a test in new PID, IPC and mount namespaces
 *                under a small init of the kit's, which reports what was left
 *   supervise.c  running untrusted code (a test or a compiler): pipes, the
 *                deadline, draining output, collecting leftovers
 *   sweep.c      fallback mode: finding and removing what a test left in the
 *                machine's shared places
 *   hangs.c      at a timeout, what the test's threads were doing
 *   verdict.c    deciding a verdict (a pure function; tests/harness/test_verdict.c)
 *   protocol.c   the sealed messages shared with the test binary (child.c)
 */
#ifndef OSLAB_RUNNER_H
#define OSLAB_RUNNER_H

#include "oslab.h"

#include <limits.h>    /* PATH_MAX */
#include <sys/types.h>

#include "protocol.h"

#define KEEP_OUTPUT 4096          /* bytes of each stream kept for the report */
#define RESULT_MAX 16384          /* bytes of the result channel read */
#define TERM_GRACE_MS 200         /* SIGTERM, then SIGKILL this much later */
#define SANDBOX_NPROC 512         /* processes and threads a test may have */
#define SANDBOX_NOFILE 256        /* open descriptors a test may have */
#define SANDBOX_FSIZE (64L << 20) /* largest file a test may write */
#define SANDBOX_AS_MIB 2048L      /* address space of each process, MiB */
#define NAMES_MAX 1024            /* bytes of leftover names kept for the report */

/* How untrusted code is confined in this run; fixed before the first test. */
struct sandbox {
    bool isolated;      /* namespaces: PID, IPC, mount (and user when not root) */
    bool privileged;    /* the runner is root: tests run as uid, limits bind */
    bool user_ns;       /* isolated through a user namespace (not root) */
    uid_t uid;          /* the UID untrusted code runs as */
    gid_t gid;
    bool sanitizer;     /* a sanitizer build: no address-space limit, ptrace allowed */
    bool cgroup;        /* a cgroup per run: pids and memory for the whole test */
    char cgroup_note[160]; /* why there is none, for the mode line */
};

/* One piece of untrusted code to run: a test or a compile. */
struct job {
    char *const *argv;        /* argv[0] is the program's path */
    const char *program;      /* OSLAB_PROGRAM in the environment, or NULL */
    const char *workdir;      /* its working folder (HOME and TMPDIR too) */
    const char *keep_dirs[4]; /* folders that must stay reachable (NULL-ended) */
    int timeout_ms;
    long address_space_mib;   /* 0: the default; OT_UNLIMITED: none */
    int max_tasks;            /* 0: the default */
    const struct ot_run_key *run_key; /* sent on fd 3 (NULL: no result channel) */
    int index;                /* a number for this run's cgroup */
};

/* What the untrusted code did, as seen from the runner. */
struct outcome {
    int status;               /* raw wait status of the test's first process */
    bool status_known;        /* false when the sandbox could not say */
    bool timed_out;
    bool memory_limit;        /* its cgroup hit the memory limit */
    char setup_error[512];    /* the sandbox could not be set up (a grader error) */
    char result[RESULT_MAX];  /* what arrived on the result channel */
    size_t result_len;
    unsigned long long channel; /* the result channel's inode (for the seal) */
    char hang[512];           /* at a timeout: what was still alive (hangs.c) */
    char out[KEEP_OUTPUT + 1], err[KEEP_OUTPUT + 1];
    size_t out_len, err_len;     /* bytes kept */
    size_t out_total, err_total; /* bytes written in all */
    double seconds;
};

/* What the untrusted code left behind. */
struct leftovers {
    int running, zombies;     /* processes found after the test's first one ended */
    int shm, ipc, files;      /* /dev/shm entries, System V objects, other files */
    bool left_in_place;       /* reported but not removed (unprivileged fallback) */
    char processes[NAMES_MAX];/* their names, for the report */
    char objects[NAMES_MAX];  /* names of the files and objects */
};

/* ---- sandbox.c ---- */
/* Choose how to confine untrusted code (OSLAB_SANDBOX: fallback, isolated, or
 * unset for the best that works), trying the whole set-up once in WORKDIR. */
struct sandbox sandbox_choose(const char *workdir);
/* The report's line saying how tests are confined (no newline). */
void sandbox_describe(const struct sandbox *sb, char *buf, size_t len);
/* In a forked child: confine ourselves and exec JOB with FDS as 0-4
 * (-1 for none). Never returns; a failure is reported on fds[4] if sealed. */
noreturn void sandbox_exec(const struct sandbox *sb, const struct job *job, const int fds[5]);
/* Make this run's cgroup (pids and memory) for JOB; its folders go to
 * PATHS (up to 2, empty strings when none). False when none could be made. */
bool cgroup_create(const struct sandbox *sb, const struct job *job, char paths[2][256]);
/* Move the calling process into the cgroups PATHS; false on failure. */
bool cgroup_enter(char paths[2][256]);
/* Did the cgroups PATHS hit their memory limit? */
bool cgroup_hit_memory_limit(char paths[2][256]);
/* Kill everything in the cgroups PATHS, then remove them. */
void cgroup_destroy(char paths[2][256]);
/* In a forked child being set up: report "ERROR" sealed on the result channel
 * (so test code cannot pass its own failures off as the grader's), then _exit. */
OSLAB_PRINTF(1, 2) noreturn void setup_failed(const char *fmt, ...);
/* Where setup_failed reports: the channel, its key, and what it is about. */
void setup_failed_to(int fd, const struct ot_run_key *run, const char *test);

/* ---- isolate.c ---- */
/* Start JOB in new namespaces under the kit's init, with the runner's ends
 * CTL (commands to init) and REPORT (its report) and the test's FDS.
 * Returns the init's PID (-1 with errno). */
pid_t isolate_start(const struct sandbox *sb, const struct job *job, const int fds[5],
                    int ctl_read, int report_write, char cgroups[2][256]);
/* Read the init's report TEXT into OUT (the test's status) and LO. */
void isolate_read_report(const char *text, struct outcome *out, struct leftovers *lo);
/* Can the whole isolated set-up be made (a trial child, like a test)? */
bool isolate_try(const struct sandbox *sb, const char *workdir, char *why, size_t len);

/* ---- supervise.c ---- */
/* The process of the untrusted code running now (isolated: its init), or 0:
 * what a grader stopped by SIGINT or SIGTERM kills first. */
extern volatile pid_t running_untrusted;
/* Run JOB confined by SB; fill OUT and LO. Every process it started is gone
 * when this returns. */
void run_untrusted(const struct sandbox *sb, const struct job *job, const char *lab,
                   const char *test, struct outcome *out, struct leftovers *lo);

/* ---- sweep.c (fallback mode) ---- */
struct snapshot; /* what the machine's shared places held before a run */
/* Take a snapshot of /dev/shm and System V IPC (exact, any size). */
struct snapshot *sweep_snapshot(void);
/* Find, report in LO and (where it is ours to remove) remove what the run
 * left since BEFORE; kill and reap every process it left. Frees BEFORE. */
void sweep_after(const struct sandbox *sb, struct snapshot *before, struct leftovers *lo);
/* As root on a system without /dev/mqueue (containers often have none):
 * mount the queues' file system under WORKDIR in a mount namespace of the
 * runner's, so that queues a test leaves can be seen. */
void sweep_watch_mqueues(const struct sandbox *sb, const char *workdir);
/* Remove NAME in the folder DIR_FD and everything under it, never following
 * a link; true if it is gone. */
bool remove_at(int dir_fd, const char *name);
/* Remove the tree at PATH (not following links). */
void remove_tree(const char *path);
/* State letter and command name of PID from /proc; state 0 if gone. */
char process_state(pid_t pid, char *comm, size_t len);
/* Send SIG (0: none) to every living process of session SID, with SIGCONT
 * after a SIGTERM; with REAP, reap its zombies that are ours. Returns how
 * many were alive. A test calls setsid(), so its session holds every process
 * it started that did not leave it, whatever their process groups. */
int signal_session(pid_t sid, int sig, bool reap);
/* After a timeout, once the test's first process is reaped: let session SID
 * end by itself until GRACE_END (now_ms time; its SIGTERM was sent), then
 * SIGKILL it, reaping what is ours, until none of it lives (2 s at most).
 * What is left then is what survived the harness's kill: it left the session. */
void end_session(pid_t sid, int64_t grace_end);
/* Count the processes and threads of UID now (for RLIMIT_NPROC). */
long tasks_of_uid(uid_t uid);

/* ---- hangs.c ---- */
struct hang_thread;
/* The threads of a test at one moment. */
struct hang_sample {
    struct hang_thread *threads;
    size_t count, cap;
    int processes;
    int64_t at_ms;  /* when it was taken; 0: never */
};
/* Take a sample of the threads of the processes in session SESSION (0: of
 * every process but PID 1, in the sandbox's PID namespace). */
void hang_sample(struct hang_sample *s, pid_t session);
/* Say in BUF (one line) what the threads of SECOND were doing and how much
 * CPU they used since FIRST. */
void hang_describe(const struct hang_sample *first, const struct hang_sample *second, char *buf,
                   size_t len);
void hang_free(struct hang_sample *s);

/* ---- verdict.c: see verdict.h ---- */

#endif /* OSLAB_RUNNER_H */
