/*
 * counter.c - `shmipc counter`: forked workers that share one counter
 * (given code).
 *
 * The parent maps a struct counter_area (your counter_area_map), forks the
 * workers, waits for each, and prints one line:
 *
 *   mode mutex: 8 workers x 1000000 = expected 8000000, got 8000000, lost 0 (0.0%), 0.421 s, 52.6
 * ns per increment
 *
 * (format_count_line, shared with lab 03's counter).
 * With --private the area is an ordinary global variable instead: fork
 * gives every worker its own copy of it, so the parent's copy stays 0.
 * With --kill-holder, worker 0 dies of SIGKILL half-way, while it holds the
 * lock; another locker gets EOWNERDEAD and recovers the lock (your
 * counter_lock). Each worker writes how many increments it completed into
 * its own slot of the area, so a last line can say exactly whether every
 * completed increment was counted.
 */
#include "oslab.h"

#include <signal.h>    /* raise, kill */
#include <sys/prctl.h> /* prctl(PR_SET_PDEATHSIG) */
#include <sys/wait.h>  /* waitpid */

#include "shm.h"
#include "shmipc.h"

/* --private: the counter in this process's own memory. After fork each
 * worker has a copy of it, changed by that worker alone. */
static struct counter_area private_area;

const char *mode_name(enum counter_mode mode)
{
    static const char *const names[] = {
        [MODE_RACY] = "racy",
        [MODE_MUTEX] = "mutex",
        [MODE_ATOMIC] = "atomic",
    };
    return names[mode];
}

/* One increment under the lock. Worker INDEX, DONE increments done so far;
 * it dies holding the lock at increment DIE_AT (-1: never). */
static void locked_increment(struct counter_area *area, int index, long long done, long long die_at)
{
    bool recovered;
    int error = counter_lock(&area->lock, &recovered);
    if (error != 0) {
        errno = error;
        exit_child_errno(1, "worker %d: lock the mutex", index);
    }
    if (recovered)
        area->recovered_by = index;
    if (done == die_at) {
        /* --kill-holder: die as a crashing process does, lock held, with
         * the counter not yet touched. */
        area->completed[index] = done;
        raise(SIGKILL);
    }
    area->value++;
    pthread_mutex_unlock(&area->lock);
}

/* A worker: OPT->increments increments in OPT->mode, then _exit(0). */
static noreturn void worker_main(struct counter_area *area, int index,
                                 const struct counter_options *opt, pid_t parent)
{
    /* If the parent is killed, the workers go too. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
        _exit(1);
    long long die_at = opt->kill_holder && index == 0 ? opt->increments / 2 : -1;
    long long done;
    for (done = 0; done < opt->increments; done++) {
        switch (opt->mode) {
        case MODE_RACY:
            area->value++; /* load, add, store: another worker may store between */
            break;
        case MODE_MUTEX:
            locked_increment(area, index, done, die_at);
            break;
        case MODE_ATOMIC:
            atomic_fetch_add_explicit(&area->atomic_value, 1, memory_order_relaxed);
            break;
        }
    }
    area->completed[index] = done;
    _exit(0);
}

/* Wait for PID, retrying after a signal handler; its wait status. */
static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR)
            exit_errno("waitpid %d", (int)pid);
    }
    return status;
}

/* "exited 3", "killed by SIGKILL" for STATUS, in BUF. */
static const char *how_it_ended(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited %d", WEXITSTATUS(status));
    else
        snprintf(buf, len, "killed by %s", signal_name(WTERMSIG(status)));
    return buf;
}

/* After a worker died holding the lock: who recovered it? If nobody has
 * locked it since, the parent does (and so recovers it). */
static void report_recovery(struct counter_area *area, pid_t victim, long long died_after)
{
    if (area->recovered_by == -1) {
        bool recovered;
        int error = counter_lock(&area->lock, &recovered);
        if (error != 0)
            exit_en(error, "lock the mutex after worker 0 died");
        if (recovered)
            area->recovered_by = MAX_WORKERS;
        pthread_mutex_unlock(&area->lock);
    }
    char who[32];
    if (area->recovered_by == MAX_WORKERS)
        snprintf(who, sizeof who, "the parent");
    else
        snprintf(who, sizeof who, "worker %d", area->recovered_by);
    if (area->recovered_by == -1)
        printf("worker 0 (PID %d) died holding the lock after %lld increments, but nobody got "
               "EOWNERDEAD\n",
               (int)victim, died_after);
    else
        printf("worker 0 (PID %d) died holding the lock after %lld increments; %s got "
               "EOWNERDEAD and made the mutex consistent\n",
               (int)victim, died_after, who);
}

int run_counter(const struct counter_options *opt)
{
    struct counter_area *area = opt->private_copy ? &private_area : counter_area_map();
    if (area == NULL)
        exit_errno("map the counter");
    area->recovered_by = -1;
    if (opt->mode == MODE_MUTEX) {
        int error = counter_lock_init(&area->lock);
        if (error != 0)
            exit_en(error, "initialise the mutex");
    }

    pid_t pids[MAX_WORKERS];
    pid_t parent = getpid();
    fflush(stdout); /* nothing buffered for the workers to inherit */
    int64_t start = now_ns();
    for (int i = 0; i < opt->workers; i++) {
        pids[i] = fork();
        if (pids[i] == -1) {
            warn_errno("fork worker %d", i);
            for (int j = 0; j < i; j++)
                kill(pids[j], SIGKILL);
            for (int j = 0; j < i; j++)
                wait_for(pids[j]);
            return 1;
        }
        if (pids[i] == 0)
            worker_main(area, i, opt, parent);
    }

    int failed = 0;
    for (int i = 0; i < opt->workers; i++) {
        int status = wait_for(pids[i]);
        bool expected_death =
            opt->kill_holder && i == 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && !expected_death) {
            char how[64];
            warn_msg("worker %d (PID %d) %s", i, (int)pids[i],
                     how_it_ended(status, how, sizeof how));
            failed++;
        }
    }
    int64_t elapsed = now_ns() - start;

    if (opt->kill_holder)
        report_recovery(area, pids[0], area->completed[0]);
    long long got = opt->mode == MODE_ATOMIC ? atomic_load(&area->atomic_value) : area->value;

    /* The line lab 03's counter prints too (shared/countline.c). */
    char mode[32], line[256];
    snprintf(mode, sizeof mode, "%s%s", mode_name(opt->mode),
             opt->private_copy ? " (private)" : "");
    format_count_line(line, sizeof line, mode, opt->workers,
                      opt->workers == 1 ? "worker" : "workers", (uint64_t)opt->increments,
                      (uint64_t)got, elapsed);
    printf("%s\n", line);
    if (opt->kill_holder) {
        /* Worker 0 never made the rest of its increments: what counts is
         * whether every increment completed was counted. */
        long long completed = 0;
        for (int i = 0; i < opt->workers; i++)
            completed += area->completed[i];
        printf("completed %lld increments (worker 0 died before the other %lld), counted %lld, "
               "lost %lld\n",
               completed, opt->increments - area->completed[0], got, completed - got);
    }

    if (!opt->private_copy && counter_area_unmap(area) == -1)
        exit_errno("unmap the counter");
    return failed > 0 ? 1 : 0;
}
