/*
 * inject.c - test support, not student code: linked into counter-inject and
 * counter-tsan with -Wl,--wrap= for pthread_create, pthread_join,
 * pthread_cond_wait, pthread_mutex_init and pthread_mutex_destroy, so every
 * such call that the program makes comes here first.
 *
 * - Each new thread starts late: it waits until its creator has finished
 *   creating (it calls pthread_join, or pthread_cond_wait as the given code
 *   does to wait for threads held at the start; 1 s at most) before it runs
 *   its start routine. An argument such as &i of the creating loop has then
 *   reached its last value, for every thread, every time.
 * - COUNTER_FAIL_CREATE=K: the K-th call (0 for the first) fails with
 *   EAGAIN and creates nothing, leaving errno at 0 as a real failure may:
 *   pthread functions return their error, errno means nothing.
 * - COUNTER_FAIL_JOIN=K: the K-th pthread_join joins its thread, then
 *   says it failed (EDEADLK), so that the error path can be tested.
 * - pthread_mutex_init and pthread_mutex_destroy are counted.
 * - At exit, on stderr, what was left undone: "counter-inject: N of M
 *   threads were never joined", "... N mutexes were initialised and never
 *   destroyed", "... pthread_join was called for N threads never created".
 *
 * The waiting uses plain atomics and sleeps, never a pthread lock, so that
 * ThreadSanitizer sees no synchronisation the student's code did not make.
 */
#include "oslab.h"

#include <limits.h>    /* LONG_MAX */
#include <pthread.h>   /* pthread_t */
#include <stdatomic.h> /* atomic_int */
#include <time.h>      /* clock_nanosleep */

#include "inject.h"

enum { LATE_START_LIMIT_MS = 1000, MAX_CREATED = 1024 };

int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg);
int __real_pthread_join(pthread_t thread, void **result);
int __wrap_pthread_join(pthread_t thread, void **result);
int __real_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int __real_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int __wrap_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int __real_pthread_mutex_destroy(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_destroy(pthread_mutex_t *mutex);

_Thread_local bool inject_in_worker;

static atomic_int create_calls;        /* pthread_create calls begun */
static atomic_int started;             /* threads really created */
static atomic_int joined;              /* threads joined */
static atomic_int join_calls;          /* pthread_join calls begun */
static atomic_int unknown_joins;       /* joins of threads that were never created */
static atomic_bool creating_done;      /* the creator joins or waits: no more creates */
static pthread_t creator;              /* the thread that called pthread_create first */
static atomic_int live_mutexes;        /* initialised and not yet destroyed */
static pthread_t created[MAX_CREATED]; /* the first `started` threads (main thread only) */
static long fail_call = -1;            /* COUNTER_FAIL_CREATE */
static long fail_join = -1;            /* COUNTER_FAIL_JOIN */
static long seed = -1;                 /* COUNTER_INJECT_SEED */

/* What a late-starting thread needs: the real start routine and its argument. */
struct late_start {
    void *(*start)(void *);
    void *arg;
};

int inject_threads_started(void)
{
    return atomic_load(&started);
}

long inject_seed(void)
{
    return seed;
}

void inject_sleep_us(long us)
{
    struct timespec delay = {.tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &delay, &delay) == EINTR)
        ;
}

/* The environment variable NAME as a number >= 0, or -1 if unset or not one. */
static long number_from_env(const char *name)
{
    const char *text = getenv(name);
    long value;
    if (text == NULL || parse_long(text, 0, LONG_MAX, name, &value, NULL, 0) == -1)
        return -1;
    return value;
}

/* The start routine of every thread: wait until the creator has finished
 * creating, then run the real one. */
static void *start_late(void *arg)
{
    struct late_start late = *(struct late_start *)arg;
    free(arg);
    inject_in_worker = true;
    int64_t deadline = now_ms() + LATE_START_LIMIT_MS;
    while (!atomic_load(&creating_done) && now_ms() < deadline)
        inject_sleep_us(200);
    return late.start(late.arg);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg)
{
    int call = atomic_fetch_add(&create_calls, 1);
    if (call == 0) { /* before any thread of ours runs: no race on these */
        creator = pthread_self();
        fail_call = number_from_env("COUNTER_FAIL_CREATE");
        fail_join = number_from_env("COUNTER_FAIL_JOIN");
        seed = number_from_env("COUNTER_INJECT_SEED");
    }
    int error = 0;
    if (call == fail_call) {
        errno = 0;
        error = EAGAIN;
    } else {
        struct late_start *late = malloc(sizeof *late);
        if (late == NULL)
            return EAGAIN;
        *late = (struct late_start){.start = start, .arg = arg};
        error = __real_pthread_create(thread, attr, start_late, late);
        if (error == 0) {
            int made = atomic_load(&started);
            if (made < MAX_CREATED)
                created[made] = *thread;
            atomic_fetch_add(&started, 1);
        } else {
            free(late);
        }
    }
    return error;
}

/* Was THREAD made by our pthread_create? (Only the creating thread calls
 * pthread_create and pthread_join here, so `created` needs no lock.) */
static bool was_created(pthread_t thread)
{
    int made = atomic_load(&started);
    for (int i = 0; i < made && i < MAX_CREATED; i++)
        if (pthread_equal(created[i], thread))
            return true;
    return false;
}

int __wrap_pthread_join(pthread_t thread, void **result)
{
    atomic_store(&creating_done, true);
    int call = atomic_fetch_add(&join_calls, 1);
    if (!was_created(thread)) {
        /* glibc would follow a pointer that is not a thread, and crash. */
        atomic_fetch_add(&unknown_joins, 1);
        return ESRCH;
    }
    int error = __real_pthread_join(thread, result);
    if (error == 0)
        atomic_fetch_add(&joined, 1);
    return error == 0 && call == fail_join ? EDEADLK : error;
}

int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    if (atomic_load(&create_calls) > 0 && pthread_equal(pthread_self(), creator))
        atomic_store(&creating_done, true);
    return __real_pthread_cond_wait(cond, mutex);
}

int __wrap_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
    int error = __real_pthread_mutex_init(mutex, attr);
    if (error == 0)
        atomic_fetch_add(&live_mutexes, 1);
    return error;
}

int __wrap_pthread_mutex_destroy(pthread_mutex_t *mutex)
{
    int error = __real_pthread_mutex_destroy(mutex);
    if (error == 0)
        atomic_fetch_sub(&live_mutexes, 1);
    return error;
}

/* Write LINE to stderr at exit (nothing to do if that fails). */
static void report(const char *line)
{
    if (write(STDERR_FILENO, line, strlen(line)) < 0) {
        /* nothing more to do at exit */
    }
}

/* At exit: say what was left undone. */
__attribute__((destructor)) static void report_leftovers(void)
{
    char line[128];
    int made = atomic_load(&started), done = atomic_load(&joined);
    int mutexes = atomic_load(&live_mutexes), unknown = atomic_load(&unknown_joins);
    if (done < made) {
        snprintf(line, sizeof line, "counter-inject: %d of %d threads were never joined\n",
                 made - done, made);
        report(line);
    }
    if (mutexes > 0) {
        snprintf(line, sizeof line,
                 "counter-inject: %d mutexes were initialised and never destroyed\n", mutexes);
        report(line);
    }
    if (unknown > 0) {
        snprintf(line, sizeof line,
                 "counter-inject: pthread_join was called for %d threads never created\n", unknown);
        report(line);
    }
}
