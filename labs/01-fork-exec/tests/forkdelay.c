/*
 * forkdelay.c - linked into procman-forkdelay with -Wl,--wrap=fork: every
 * fork() the lab code calls goes to __wrap_fork, which calls the real fork
 * and then holds one side back before fork() returns to it. Races that
 * depend on which side runs first then happen on every run, not once in a
 * hundred. Test support, not student code.
 *
 * PROCMAN_FORKDELAY=parent (the default): the parent waits 20-50 ms (from a
 *   seeded sequence), or less if the child has ended by then. A child that ends
 *   at once (true, a failed exec, a worker with no lifetime) is then over,
 *   and its SIGCHLD delivered, before the parent can record it: unless
 *   SIGCHLD is blocked around fork(), the handler reaps a PID that is not in
 *   the table yet.
 * PROCMAN_FORKDELAY=child: the child waits 100-150 ms before it goes on, so
 *   a signal sent to it right after `spawn` arrives before it has set its
 *   signal actions back to the defaults.
 * PROCMAN_FORKDELAY=random: each fork picks one of the two at random.
 * The "random" choices come from a sequence seeded with OSLAB_SEED (if set)
 * or a fixed number: the same run of forks gets the same delays every time.
 */
#include "oslab.h"

#include <sys/wait.h> /* waitid */

pid_t __real_fork(void);
pid_t __wrap_fork(void);

/* The next number in [LO, HI] of a sequence seeded once per procman. */
static long random_between(long lo, long hi)
{
    static uint64_t state;
    static bool seeded;
    if (!seeded) {
        const char *seed = getenv("OSLAB_SEED");
        state = seed != NULL && *seed != '\0' ? strtoull(seed, NULL, 0) : 0x666f726bULL;
        seeded = true;
    }
    /* splitmix64 */
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return lo + (long)(z % (uint64_t)(hi - lo + 1));
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
