/*
 * bench.c - pslist-bench, what `make bench` runs: how long does listing every
 * thread take, pslist against ps, on a process table with thousands of entries?
 *
 *   pslist-bench PSLIST [PROCESSES [RUNS]]
 *
 * It forks PROCESSES extra processes (default 2000) that only wait, runs
 * `PSLIST --threads` and `ps -eLf` RUNS times each (default 7), one after the
 * other so that both see the same machine, with their output thrown away,
 * prints the median and best times and the ratio, then kills and reaps
 * exactly the processes it started: a PID cannot be given to another process
 * until its parent has reaped it, so the PIDs it recorded stay its own.
 * Ctrl-C (SIGINT) or SIGTERM stops it early with the same clean-up, and each
 * extra process dies with the bench anyway (PR_SET_PDEATHSIG).
 */
#include "oslab.h"

#include <dirent.h>    /* opendir: counting processes and threads */
#include <fcntl.h>     /* open /dev/null */
#include <signal.h>    /* sigaction, kill */
#include <sys/prctl.h> /* PR_SET_PDEATHSIG */
#include <sys/wait.h>  /* waitpid */

enum { MAX_RUNS = 101 };

/* Set by the SIGINT/SIGTERM handler, read by the loops: stop and clean up. */
static volatile sig_atomic_t stop_requested = 0;

/* SIGINT, SIGTERM: ask the loops to stop; the clean-up runs in main's flow. */
static void on_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* One command to time, with its results. */
struct command {
    const char *label;
    const char *argv[4];
    double ms[MAX_RUNS];
    int runs;
};

/* Fork COUNT children that wait until killed; their PIDs into PIDS. Returns how many started. */
static int start_extra_processes(pid_t *pids, int count)
{
    for (int i = 0; i < count && !stop_requested; i++) {
        pid_t pid = fork();
        if (pid == -1) {
            warn_errno("fork (after %d processes)", i);
            return i;
        }
        if (pid == 0) {
            /* Die with the bench, however it ends; a child of a parent that
             * is already gone sees PPID 1 (or a subreaper) and leaves. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            signal(SIGINT, SIG_IGN); /* Ctrl-C is for the bench, which cleans up */
            for (;;)
                pause();
        }
        pids[i] = pid;
    }
    return count;
}

/* Kill and reap the COUNT processes in PIDS, and only those. */
static void remove_extra_processes(const pid_t *pids, int count)
{
    for (int i = 0; i < count; i++) {
        if (kill(pids[i], SIGKILL) == -1)
            warn_errno("kill %d", (int)pids[i]);
    }
    for (int i = 0; i < count; i++) {
        while (waitpid(pids[i], NULL, 0) == -1 && errno == EINTR)
            ;
    }
}

/* Count the processes in /proc and, in *THREADS, their threads. */
static int count_tasks(int *threads)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        exit_errno("opendir /proc");
    int processes = 0;
    *threads = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9')
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/task", entry->d_name);
        DIR *tasks = opendir(path);
        if (tasks == NULL)
            continue; /* it has just ended */
        processes++;
        struct dirent *task;
        while ((task = readdir(tasks)) != NULL)
            *threads += task->d_name[0] != '.';
        closedir(tasks);
    }
    closedir(proc);
    return processes;
}

/* Run ARGV with stdout (and stderr unless SHOW_ERRORS) thrown away; ms it took, -1 if it failed. */
static double time_once(const char *const argv[], bool show_errors)
{
    int64_t start = now_ns();
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null == -1 || dup2(null, STDOUT_FILENO) == -1 ||
            (!show_errors && dup2(null, STDERR_FILENO) == -1))
            exit_child_errno(127, "redirect to /dev/null");
        execvp(argv[0], (char *const *)argv);
        exit_child_errno(127, "cannot run %s", argv[0]);
    }
    int status;
    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR)
            exit_errno("waitpid");
    }
    double ms = (double)(now_ns() - start) / 1e6;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

/* qsort comparator for doubles. */
static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of C's runs (sorts them). */
static double median_ms(struct command *c)
{
    qsort(c->ms, (size_t)c->runs, sizeof c->ms[0], compare_doubles);
    return c->runs % 2 ? c->ms[c->runs / 2] : (c->ms[c->runs / 2 - 1] + c->ms[c->runs / 2]) / 2;
}

/* Time PAIR's commands in turn, RUNS times each after a warm-up run. 0, or -1 if one failed. */
static int time_pair(struct command pair[2], int runs)
{
    for (int k = 0; k < 2; k++) {
        if (time_once(pair[k].argv, true) < 0) {
            warn_msg("'%s' failed (see above): nothing timed", pair[k].label);
            return -1;
        }
    }
    for (int i = 0; i < runs && !stop_requested; i++) {
        for (int k = 0; k < 2; k++)
            pair[k].ms[pair[k].runs++] = time_once(pair[k].argv, false);
    }
    return stop_requested ? -1 : 0;
}

/* Print one pair's lines of the table and the ratio of the first's median to the second's. */
static double print_pair(struct command pair[2])
{
    double medians[2];
    for (int k = 0; k < 2; k++) {
        medians[k] = median_ms(&pair[k]);
        printf("  %-22s %9.1f %9.1f\n", pair[k].label, medians[k], pair[k].ms[0]);
    }
    double ratio = medians[0] / medians[1];
    printf("  %-22s %8.1fx\n", "ratio (ps / pslist)", ratio);
    return ratio;
}

/* Start the extra processes, time both pairs, print the table, clean up. */
int main(int argc, char *argv[])
{
    if (argc < 2 || argc > 4)
        exit_usage("usage: pslist-bench PSLIST [PROCESSES [RUNS]]");
    const char *pslist = argv[1];
    int extra = argc > 2 ? (int)get_long(argv[2], 0, 20000, "PROCESSES") : 2000;
    int runs = argc > 3 ? (int)get_long(argv[3], 1, MAX_RUNS - 1, "RUNS") : 7;

    struct sigaction action = {.sa_handler = on_stop};
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) == -1 || sigaction(SIGTERM, &action, NULL) == -1)
        exit_errno("sigaction");

    int threads_before, processes_before = count_tasks(&threads_before);
    pid_t *pids = calloc((size_t)extra + 1, sizeof *pids);
    if (pids == NULL)
        exit_errno("allocate %d PIDs", extra);
    int started = start_extra_processes(pids, extra);

    int threads, processes = count_tasks(&threads);
    printf("pslist-bench: %d extra processes started; /proc now has %d processes, %d threads\n",
           started, processes, threads);
    printf("  %-22s %9s %9s   (ms, %d runs each, taking turns)\n", "command", "median", "best",
           runs);
    fflush(stdout); /* before the forks: a child must not inherit unwritten output */

    struct command thread_pair[2] = {
        {.label = "ps -eLf", .argv = {"ps", "-eLf", NULL}},
        {.label = "pslist --threads", .argv = {pslist, "--threads", NULL}},
    };
    struct command process_pair[2] = {
        {.label = "ps -ef", .argv = {"ps", "-ef", NULL}},
        {.label = "pslist", .argv = {pslist, NULL}},
    };
    int status = 1;
    if (time_pair(thread_pair, runs) == 0) {
        double ratio = print_pair(thread_pair);
        if (time_pair(process_pair, runs) == 0)
            print_pair(process_pair);
        printf("  pslist --threads is %.1fx as fast as ps -eLf: %s\n", ratio,
               ratio >= 2 ? "the 2x the lab asks for" : "SLOWER than the 2x the lab asks for");
        status = 0;
    }

    remove_extra_processes(pids, started);
    int threads_after, processes_after = count_tasks(&threads_after);
    printf("pslist-bench: removed the %d processes it started; /proc has %d processes "
           "(%d before the bench)\n",
           started, processes_after, processes_before);
    (void)threads_before;
    free(pids);
    return stop_requested ? 130 : status;
}
