/*
 * hangs.c - when a test passes its deadline, say what was still alive: each
 * thread's state and the CPU time it used between two looks a few hundred
 * milliseconds apart, before anything is killed. "3 threads, all sleeping
 * in futex_wait_queue, no CPU used" points at a deadlock; "1 thread
 * running, 98% of a CPU" at a loop that never ends.
 *
 * Only tests that reach their deadline pay for it: two passes over /proc.
 */
#include "runner.h"

#include <dirent.h> /* opendir */
#include <fcntl.h>  /* open */

#include "verdict.h"

/* One thread as /proc shows it. */
struct hang_thread {
    int pid, tid;
    char state;              /* R, S, D, T, t, Z, ... */
    unsigned long long cpu;  /* utime + stime, in clock ticks */
    char wchan[40];          /* where it sleeps in the kernel, or "" */
};

/* Read the first LEN - 1 bytes of PATH into BUF; its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

/* Fill T from /proc/PID/task/TID; false if it is gone. SESSION is the
 * session the process must be in (0: any). */
static bool read_thread(int pid, int tid, pid_t session, struct hang_thread *t)
{
    char path[96], stat[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    if (read_small(path, stat, sizeof stat) <= 0)
        return false;
    const char *close_paren = strrchr(stat, ')');
    if (close_paren == NULL)
        return false;
    char state;
    int ppid, pgrp, sid;
    unsigned long long utime, stime;
    /* Fields 3 on: state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime. */
    if (sscanf(close_paren + 1, " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state,
               &ppid, &pgrp, &sid, &utime, &stime) != 6)
        return false;
    if (session != 0 && sid != session)
        return false;
    *t = (struct hang_thread){.pid = pid, .tid = tid, .state = state, .cpu = utime + stime};
    snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", pid, tid);
    if (read_small(path, t->wchan, sizeof t->wchan) <= 0 || strcmp(t->wchan, "0") == 0)
        t->wchan[0] = '\0';
    text_scrub(t->wchan, false);
    return true;
}

void hang_sample(struct hang_sample *s, pid_t session)
{
    hang_free(s);
    s->at_ms = now_ms();
    DIR *proc = opendir("/proc");
    struct dirent *p;
    while (proc != NULL && (p = readdir(proc)) != NULL) {
        int pid = atoi(p->d_name);
        /* In the sandbox's namespace PID 1 is the kit's init, not the test. */
        if (pid <= 0 || (session == 0 && pid == 1) || pid == (int)getpid())
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", pid);
        DIR *tasks = opendir(path);
        struct dirent *t;
        bool counted = false;
        while (tasks != NULL && (t = readdir(tasks)) != NULL) {
            int tid = atoi(t->d_name);
            if (tid <= 0)
                continue;
            if (s->count == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 64;
                struct hang_thread *grown = realloc(s->threads, s->cap * sizeof *grown);
                if (grown == NULL)
                    break;
                s->threads = grown;
            }
            if (read_thread(pid, tid, session, &s->threads[s->count])) {
                s->count++;
                s->processes += !counted;
                counted = true;
            }
        }
        if (tasks != NULL)
            closedir(tasks);
    }
    if (proc != NULL)
        closedir(proc);
}

void hang_free(struct hang_sample *s)
{
    free(s->threads);
    *s = (struct hang_sample){0};
}

/* The CPU ticks thread TID had in S, or its ticks now if it was not there. */
static unsigned long long cpu_before(const struct hang_sample *s, const struct hang_thread *now)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->threads[i].tid == now->tid)
            return s->threads[i].cpu;
    return now->cpu;
}

void hang_describe(const struct hang_sample *first, const struct hang_sample *second, char *buf,
                   size_t len)
{
    buf[0] = '\0';
    if (second->count == 0)
        return;
    static const struct {
        char letter;
        const char *name;
    } states[] = {{'R', "running"}, {'S', "sleeping"}, {'D', "in uninterruptible wait"},
                  {'T', "stopped"}, {'t', "stopped by a tracer"}, {'Z', "zombie"}};
    int count[6] = {0}, other = 0;
    unsigned long long used = 0;
    const char *common_wchan = "";
    int common_count = 0;
    for (size_t i = 0; i < second->count; i++) {
        const struct hang_thread *t = &second->threads[i];
        bool known = false;
        for (int k = 0; k < 6; k++)
            if (t->state == states[k].letter) {
                count[k]++;
                known = true;
            }
        other += !known;
        used += t->cpu - cpu_before(first, t);
        /* The most common place of sleep, for the report. */
        if (t->wchan[0] == '\0' || t->state != 'S')
            continue;
        int same = 0;
        for (size_t j = 0; j < second->count; j++)
            same += strcmp(second->threads[j].wchan, t->wchan) == 0;
        if (same > common_count) {
            common_count = same;
            common_wchan = t->wchan;
        }
    }
    double seconds = first->at_ms ? (double)(second->at_ms - first->at_ms) / 1000.0 : 0;
    double cpu = (double)used / (double)sysconf(_SC_CLK_TCK);
    text_append(buf, len, "At the deadline: %zu thread%s in %d process%s", second->count,
                second->count == 1 ? "" : "s", second->processes,
                second->processes == 1 ? "" : "es");
    const char *sep = ": ";
    for (int k = 0; k < 6; k++)
        if (count[k] > 0) {
            bool all = (size_t)count[k] == second->count;
            text_append(buf, len, "%s%s%s", sep, all && second->count > 1 ? "all " : "",
                        states[k].name);
            if (!all)
                text_append(buf, len, " %d", count[k]);
            if (k == 1 && common_count > 0)
                text_append(buf, len, " (%s%s)", common_count > 1 || count[1] == 1 ? "" : "1 in ",
                            common_wchan);
            sep = ", ";
        }
    if (other > 0)
        text_append(buf, len, "%sin another state %d", sep, other);
    if (seconds > 0)
        text_append(buf, len, "; %.2f s of CPU in the last %.2f s", cpu, seconds);
    if (count[3] + count[4] > 0 && count[0] == 0)
        text_append(buf, len, ": stopped, so never to finish (SIGSTOP?)");
    else if (cpu >= 0.5 * seconds && seconds > 0)
        text_append(buf, len, ": busy, a loop that never ends?");
    else if (count[0] == 0 && strstr(common_wchan, "futex") != NULL)
        text_append(buf, len, ": waiting on locks or semaphores, none running: a deadlock?");
    else if (count[0] == 0)
        text_append(buf, len, ": all blocked, waiting for something that never comes?");
    text_append(buf, len, "\n");
}
