/*
 * forkdelay.c - linked into forkdelay/procman, the procman every black-box
 * test runs: linked with -Wl,--wrap=NAME for fork, table_add, execvp,
 * worker_main, sigaction and signal, so that the calls lifecycle.c makes to
 * these go to the __wrap_NAME functions below. They decide the order of the events a race is about, so
 * that a racy bug fails the same tests on every run: in the tests made for a
 * race it always strikes; in every other test it never does. Test support,
 * not student code.
 *
 * fork, by PROCMAN_FORKDELAY:
 *   unset or "ordered" (every test but the two race tests): the child waits,
 *     before fork() returns to it, until the parent has recorded it with
 *     table_add (or 2 s have passed: a parent that never records it); then
 *     the parent waits in table_add until the child has got to execvp or
 *     worker_main (or has ended), so it has set its signal actions back to
 *     the defaults. Its end can never be reaped before it is in the table,
 *     and a signal sent to it after `spawn` never runs procman's handler,
 *     whatever the code blocks: the races around fork never strike.
 *   "parent" (test_race_forkdelay): the parent waits 20-50 ms (from a seeded
 *     sequence), or less if the child has ended by then. A child that ends at
 *     once (true, a failed exec, a worker with no lifetime) is then over, and
 *     its SIGCHLD delivered, before the parent can record it: unless SIGCHLD
 *     is blocked around fork(), the handler reaps a PID that is not in the
 *     table yet.
 *   "child" (test_signal_before_exec): the child waits 100-150 ms before it
 *     goes on, so a signal sent to it right after `spawn` arrives before it
 *     has set its signal actions back to the defaults.
 *   "random": each fork picks "parent" or "child" at random.
 * The "random" choices come from a sequence seeded with OSLAB_SEED (if set)
 * or a fixed number: the same run of forks gets the same delays every time.
 *
 * sigaction and signal for SIGCHLD, in every mode: a handler is installed
 * behind sigchld_relay.c's relay, so that the SIGCHLDs of children that end
 * together never merge by chance.
 */
#include "oslab.h"

#include <signal.h>      /* sigaction */
#include <stdatomic.h>   /* the counter the parent and its children share */
#include <sys/mman.h>    /* mmap: memory that fork shares instead of copying */
#include <sys/wait.h>    /* waitid */

#include "children.h"
#include "sigchld_relay.h"

pid_t __real_fork(void);
pid_t __wrap_fork(void);
struct child *__real_table_add(struct child_table *table, pid_t pid, enum child_kind kind,
                               char *const argv[], bool background);
struct child *__wrap_table_add(struct child_table *table, pid_t pid, enum child_kind kind,
                               char *const argv[], bool background);
int __real_sigaction(int signo, const struct sigaction *action, struct sigaction *old);
int __wrap_sigaction(int signo, const struct sigaction *action, struct sigaction *old);
void (*__real_signal(int signo, void (*handler)(int)))(int);
int __real_execvp(const char *file, char *const argv[]);
int __wrap_execvp(const char *file, char *const argv[]);
int __real_worker_main(int lifetime_ms);
int __wrap_worker_main(int lifetime_ms);
void (*__wrap_signal(int signo, void (*handler)(int)))(int);

enum { ORDERED_WAIT_MS = 2000 };

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

/* ---- "ordered": a child goes on only once the parent has recorded it ---- */

/* What the parent and its children share: the child of fork number N waits
 * until recorded >= N; the parent, after recording it, waits until the child
 * has settled (settled >= N: it got to exec or worker_main, so its signal
 * actions are the defaults again) or ended. Mapped MAP_SHARED, so fork shares
 * it instead of copying it. */
struct fork_order {
    _Atomic unsigned long recorded;
    _Atomic unsigned long settled;
};
static struct fork_order *order;
static unsigned long forks_started; /* in the parent: forks so far */
static pid_t latest_child;          /* in the parent: the child of the latest fork */
static unsigned long my_generation; /* in a child: the number of the fork that made it */

/* The shared counters, mapped at the first fork; NULL if mmap failed (then
 * nobody waits, and procman behaves as the plain one does). */
static struct fork_order *shared_order(void)
{
    if (order == NULL) {
        void *page = mmap(NULL, sizeof *order, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page != MAP_FAILED) {
            order = page;
            atomic_init(&order->recorded, 0);
            atomic_init(&order->settled, 0);
        }
    }
    return order;
}

/* In the child of fork number GENERATION: wait until the parent has recorded
 * it, or ORDERED_WAIT_MS. */
static void wait_until_recorded(unsigned long generation)
{
    my_generation = generation;
    if (order == NULL)
        return;
    int64_t deadline = now_ms() + ORDERED_WAIT_MS;
    while (atomic_load(&order->recorded) < generation && now_ms() < deadline)
        sleep_ms(1);
}

/* In the parent, child PID of fork number GENERATION just recorded: let it
 * go on, then wait until it has settled or ended (or ORDERED_WAIT_MS), so
 * that a signal the tests send it after "started" finds its own actions,
 * never procman's. */
static void release_and_wait(pid_t pid, unsigned long generation)
{
    atomic_store(&order->recorded, generation);
    int64_t deadline = now_ms() + ORDERED_WAIT_MS;
    while (atomic_load(&order->settled) < generation && !child_has_ended(pid) &&
           now_ms() < deadline)
        sleep_ms(1);
}

/* In a child: it is about to become what it was forked for. */
static void settled(void)
{
    if (order != NULL && my_generation != 0)
        atomic_store(&order->settled, my_generation);
}

/* table_add for forkdelay/procman: the real one, then the child of the
 * latest fork, if it is the one recorded, may go on. */
struct child *__wrap_table_add(struct child_table *table, pid_t pid, enum child_kind kind,
                               char *const argv[], bool background)
{
    struct child *child = __real_table_add(table, pid, kind, argv, background);
    if (order != NULL && pid == latest_child)
        release_and_wait(pid, forks_started);
    return child;
}

/* execvp and worker_main for forkdelay/procman: the child has settled. */
int __wrap_execvp(const char *file, char *const argv[])
{
    settled();
    return __real_execvp(file, argv);
}

int __wrap_worker_main(int lifetime_ms)
{
    settled();
    return __real_worker_main(lifetime_ms);
}

/* fork() for forkdelay/procman: the real fork, then the wait the mode asks
 * for (see the top of this file). */
pid_t __wrap_fork(void)
{
    const char *mode = getenv("PROCMAN_FORKDELAY");
    if (mode == NULL || *mode == '\0' || strcmp(mode, "ordered") == 0) {
        shared_order();
        unsigned long generation = ++forks_started;
        pid_t pid = __real_fork();
        if (pid == 0)
            wait_until_recorded(generation);
        else if (pid > 0)
            latest_child = pid;
        return pid;
    }
    bool delay_child = strcmp(mode, "child") == 0;
    if (strcmp(mode, "random") == 0)
        delay_child = random_between(0, 1) == 1;
    long delay_ms = delay_child ? random_between(100, 150) : random_between(20, 50);

    pid_t pid = __real_fork();
    if (pid > 0 && !delay_child)
        hold_parent(pid, delay_ms);
    else if (pid == 0 && delay_child)
        sleep_ms(delay_ms);
    return pid;
}

/* ---- SIGCHLD: one signal per child that ends ---------------------------- */

/* Is the SIGCHLD handler installed now the relay (for relay_asked_action)? */
static bool relaying;

/* sigaction for forkdelay/procman: a SIGCHLD handler is installed behind
 * the relay; everything else, and what OLD reports, is as asked. */
int __wrap_sigaction(int signo, const struct sigaction *action, struct sigaction *old)
{
    if (signo != SIGCHLD)
        return __real_sigaction(signo, action, old);
    struct sigaction was_asked = relay_asked_action(), installed;
    bool was_relaying = relaying;
    bool relay = action != NULL && relay_wrap_action(action, &installed);
    if (__real_sigaction(signo, relay ? &installed : action, old) == -1) {
        if (relay)
            relay_wrap_action(&was_asked, &installed); /* remember the old one again */
        return -1;
    }
    if (action != NULL)
        relaying = relay;
    if (old != NULL && was_relaying)
        *old = was_asked;
    return 0;
}

/* signal() for forkdelay/procman: for SIGCHLD, glibc's signal() (BSD
 * semantics: SA_RESTART) done through __wrap_sigaction. */
void (*__wrap_signal(int signo, void (*handler)(int)))(int)
{
    if (signo != SIGCHLD)
        return __real_signal(signo, handler);
    struct sigaction action = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;
    sigemptyset(&action.sa_mask);
    if (__wrap_sigaction(signo, &action, &old) == -1)
        return SIG_ERR;
    return old.sa_handler;
}
