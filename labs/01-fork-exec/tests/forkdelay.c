/*
 * forkdelay.c - linked into procman-forkdelay with -Wl,--wrap=fork: every
 * fork() the lab code calls goes to __wrap_fork, which calls the real fork
 * and then holds one side back before fork() returns to it. Races that
 * depend on which side runs first then happen on every run, not once in a
 * hundred. Test support, not student code.
 *
 * PROCMAN_FORKDELAY=parent (the default): the parent waits 20-50 ms (chosen
 *   at random), or less if the child has ended by then. A child that ends
 *   at once (true, a failed exec, a worker with no lifetime) is then over,
 *   and its SIGCHLD delivered, before the parent can record it: unless
 *   SIGCHLD is blocked around fork(), the handler reaps a PID that is not in
 *   the table yet.
 * PROCMAN_FORKDELAY=child: the child waits 100-150 ms before it goes on, so
 *   a signal sent to it right after `spawn` arrives before it has set its
 *   signal actions back to the defaults.
 * PROCMAN_FORKDELAY=random: each fork picks one of the two at random.
 */
#include "oslab.h"

#include <sys/random.h> /* getrandom */
#include <sys/wait.h>   /* waitid */

pid_t __real_fork(void);
pid_t __wrap_fork(void);

/* A random number in [LO, HI]. */
static long random_between(long lo, long hi)
{
    unsigned int r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (unsigned int)now_ns() ^ (unsigned int)getpid(); /* good enough for a delay */
    return lo + (long)(r % (unsigned long)(hi - lo + 1));
}

/* Has child PID ended? Looks without reaping it (WNOWAIT); a child that
 * somebody has reaped already (ECHILD) has ended too. */
static bool child_has_ended(pid_t pid)
{
    siginfo_t info = {0};
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == -1)
        return errno != EINTR;
    return info.si_pid == pid;
}

/* The parent's delay: up to LIMIT_MS, less if child PID ends first. Any
 * SIGCHLD handler that is not blocked runs during this time. */
static void hold_parent(pid_t pid, long limit_ms)
{
    int64_t deadline = now_ms() + limit_ms;
    while (now_ms() < deadline && !child_has_ended(pid))
        sleep_ms(1);
}

/* fork() for procman-forkdelay: the real fork, then a delay in the parent
 * (or, with PROCMAN_FORKDELAY=child, in the child) that opens the race. */
pid_t __wrap_fork(void)
{
    const char *mode = getenv("PROCMAN_FORKDELAY");
    bool delay_child = mode != NULL && strcmp(mode, "child") == 0;
    if (mode != NULL && strcmp(mode, "random") == 0)
        delay_child = random_between(0, 1) == 1;
    long delay_ms = delay_child ? random_between(100, 150) : random_between(20, 50);

    pid_t pid = __real_fork();
    if (pid > 0 && !delay_child)
        hold_parent(pid, delay_ms);
    else if (pid == 0 && delay_child)
        sleep_ms(delay_ms);
    return pid;
}
