/*
 * target.c - pslist-target: a process for the tests to list, kill and watch.
 * Test support built from kit code only; never linked with student code.
 *
 *   pslist-target [--name NAME] [--thread NAME]... [--children N] [--zombie]
 *                 [--no-zombies] [--ignore-term | --term-delay-ms MS] [--tag TEXT]
 *                 [--leader-exits]
 *
 * It names itself NAME (prctl PR_SET_NAME), starts one thread per --thread,
 * named as given (pthread_setname_np), forks N children that wait, and with
 * --zombie one child that exits at once and is left unreaped. With
 * --no-zombies it ignores SIGCHLD: a child that ends is reaped by the kernel
 * at once and vanishes from /proc without ever being a zombie (and at the end
 * its children die with it, PR_SET_PDEATHSIG). Then it prints
 *
 *     ready PID threads TID... children PID... zombie PID
 *
 * and reads stdin (with --leader-exits, its main thread ends instead: the
 * process, state Z in /proc/PID/stat, lives on in its other threads until
 * it is killed; it reads nothing). "exit" makes it print "ended EPOCH_MS MONO_MS" (the
 * wall-clock time and the monotonic clock's, which now_ms() reads, in milliseconds, taken
 * just before _exit) and end; "quit" or end of
 * input makes it kill and reap its children and exit 0, leaving nothing behind.
 *
 * On SIGTERM it dies (default), ignores it (--ignore-term), or sleeps MS
 * milliseconds in the handler, prints "ended EPOCH_MS MONO_MS" and exits 0
 * (--term-delay-ms): a process that takes its time to end.
 */
#include "oslab.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h> /* PR_SET_NAME, PR_SET_PDEATHSIG */
#include <sys/wait.h>
#include <time.h>

enum { MAX_THREADS = 64, MAX_CHILDREN = 64 };

/* Written before the SIGTERM handler is installed, then only read. */
static pid_t children[MAX_CHILDREN + 1];
static int child_count;
static long term_delay_ms;
static bool no_zombies;

/* Kill and reap every child: async-signal-safe (kill, waitpid). */
static void end_children(void)
{
    if (no_zombies)
        child_count = 0; /* a child's PID is free once it has ended: never kill it again */
    for (int i = 0; i < child_count; i++)
        kill(children[i], SIGKILL);
    for (int i = 0; i < child_count; i++) {
        while (waitpid(children[i], NULL, 0) == -1 && errno == EINTR)
            ;
    }
    child_count = 0;
}

/* Append CLOCK's time now in milliseconds, in decimal, to LINE at *LEN. Async-signal-safe. */
static void append_ms(char *line, size_t *len, clockid_t clock)
{
    struct timespec now;
    char digits[24];
    int n = 0;

    clock_gettime(clock, &now);
    long long ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    do {
        digits[n++] = (char)('0' + ms % 10);
        ms /= 10;
    } while (ms > 0);
    while (n > 0)
        line[(*len)++] = digits[--n];
}

/* Print "ended EPOCH_MS MONO_MS" with the times now and _exit(0). Async-signal-safe. */
static noreturn void end_now(void)
{
    char line[64] = "ended ";
    size_t len = strlen(line);

    end_children();
    append_ms(line, &len, CLOCK_REALTIME);
    line[len++] = ' ';
    append_ms(line, &len, CLOCK_MONOTONIC);
    line[len++] = '\n';
    (void)write_all(STDOUT_FILENO, line, len);
    _exit(0);
}

/* SIGTERM with --term-delay-ms: take the time asked for, then end. */
static void on_term(int signo)
{
    (void)signo;
    struct timespec delay = {term_delay_ms / 1000, term_delay_ms % 1000 * 1000000};
    while (nanosleep(&delay, &delay) == -1 && errno == EINTR)
        ;
    end_now();
}

/* Thread start data: its name in, its TID out. */
struct thread_start {
    const char *name;
    pid_t tid;
    pthread_mutex_t *lock;
    pthread_cond_t *started;
};

/* A thread that names itself, reports its TID and waits for ever. */
static void *idle_thread(void *arg)
{
    struct thread_start *start = arg;

    pthread_setname_np(pthread_self(), start->name);
    pthread_mutex_lock(start->lock);
    start->tid = gettid();
    pthread_cond_signal(start->started);
    pthread_mutex_unlock(start->lock);
    for (;;)
        pause();
    return NULL;
}

/* Fork a child that waits until killed (or its parent dies); returns its PID. */
static pid_t fork_waiting_child(bool exit_at_once)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        if (exit_at_once)
            _exit(0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(0);
        for (;;)
            pause();
    }
    return pid;
}

/* Set up as the options say, print "ready ...", then obey stdin. */
int main(int argc, char *argv[])
{
    const char *thread_names[MAX_THREADS];
    int thread_count = 0, wanted_children = 0;
    bool zombie = false, ignore_term = false, leader_exits = false;

    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "--name") == 0 && has_value) {
            if (prctl(PR_SET_NAME, argv[++i]) == -1)
                exit_errno("prctl PR_SET_NAME");
        } else if (strcmp(argv[i], "--thread") == 0 && has_value && thread_count < MAX_THREADS) {
            thread_names[thread_count++] = argv[++i];
        } else if (strcmp(argv[i], "--children") == 0 && has_value) {
            wanted_children = (int)get_long(argv[++i], 0, MAX_CHILDREN, "--children");
        } else if (strcmp(argv[i], "--term-delay-ms") == 0 && has_value) {
            term_delay_ms = get_long(argv[++i], 0, 10000, "--term-delay-ms");
        } else if (strcmp(argv[i], "--zombie") == 0) {
            zombie = true;
        } else if (strcmp(argv[i], "--no-zombies") == 0) {
            no_zombies = true;
        } else if (strcmp(argv[i], "--leader-exits") == 0) {
            leader_exits = true;
        } else if (strcmp(argv[i], "--ignore-term") == 0) {
            ignore_term = true;
        } else if (strcmp(argv[i], "--tag") == 0 && has_value) {
            i++; /* only there to be seen in the command line */
        } else {
            exit_usage("unexpected argument '%s'", argv[i]);
        }
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */

    /* Threads get every signal blocked: SIGTERM is the main thread's. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t started = PTHREAD_COND_INITIALIZER;
    struct thread_start starts[MAX_THREADS];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < thread_count; i++) {
        pthread_t thread;
        starts[i] = (struct thread_start){thread_names[i], 0, &lock, &started};
        int error = pthread_create(&thread, &attr, idle_thread, &starts[i]);
        if (error != 0)
            exit_en(error, "pthread_create");
    }
    pthread_mutex_lock(&lock);
    for (int i = 0; i < thread_count; i++) {
        while (starts[i].tid == 0)
            pthread_cond_wait(&started, &lock);
    }
    pthread_mutex_unlock(&lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);

    if (no_zombies)
        signal(SIGCHLD, SIG_IGN);
    for (int i = 0; i < wanted_children; i++)
        children[child_count++] = fork_waiting_child(false);
    pid_t zombie_pid = 0;
    if (zombie) {
        zombie_pid = fork_waiting_child(true);
        children[child_count++] = zombie_pid;
        /* WNOWAIT: wait until it has exited, but leave it a zombie. */
        siginfo_t info;
        while (waitid(P_PID, (id_t)zombie_pid, &info, WEXITED | WNOWAIT) == -1 && errno == EINTR)
            ;
    }

    if (ignore_term)
        signal(SIGTERM, SIG_IGN);
    else if (term_delay_ms > 0) {
        struct sigaction action = {.sa_handler = on_term};
        sigfillset(&action.sa_mask);
        sigaction(SIGTERM, &action, NULL);
    }

    printf("ready %d threads", (int)getpid());
    for (int i = 0; i < thread_count; i++)
        printf(" %d", (int)starts[i].tid);
    printf(" children");
    for (int i = 0; i < wanted_children; i++)
        printf(" %d", (int)children[i]);
    printf(" zombie %d\n", (int)zombie_pid);
    fflush(stdout);
    if (leader_exits)
        pthread_exit(NULL);

    char line[256];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "exit", 4) == 0)
            end_now();
        if (strncmp(line, "quit", 4) == 0)
            break;
    }
    end_children();
    return 0;
}
