/*
 * inject.c - linked into the test binary (run-tests) with -Wl,--wrap=...:
 * every call the code under test makes to the semaphore, mutex and
 * condition-variable functions below goes through a wrapper here. By
 * default each wrapper calls the real function (__real_...) and counts the
 * objects made and destroyed; a test can make the Nth call of one function
 * fail with an error of its choice (inject_failure), to see what the
 * student's code does on a path that never runs otherwise.
 *
 * The woken thread's turn: a sem_post that wakes a thread sleeping in
 * sem_wait returns only once that thread has had its turn, that is once it
 * has taken the mutex it locks next (if the mutex is free), made another of
 * the calls below, or returned from its buffer call. Without this rule which
 * of the two goes on first is up to the scheduler, and a get that posts
 * free_slots before it takes its item would fail a test on one run and pass
 * it on the next; with it, the woken thread always goes first, the order
 * that shows such a bug, on every run. Correct code posts after it unlocks,
 * so the rule costs it nothing but a switch of threads. Test support.
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_t, pthread_cond_t */
#include <semaphore.h> /* sem_t */
#include <stdatomic.h> /* the counters, read by the test thread */
#include <time.h>      /* clock_gettime */

#include "inject.h"

int __real_sem_init(sem_t *sem, int pshared, unsigned int value);
int __real_sem_destroy(sem_t *sem);
int __real_sem_trywait(sem_t *sem);
int __real_sem_wait(sem_t *sem);
int __real_sem_post(sem_t *sem);
int __real_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int __real_pthread_mutex_destroy(pthread_mutex_t *mutex);
int __real_pthread_mutex_lock(pthread_mutex_t *mutex);
int __real_pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr);
int __real_pthread_cond_destroy(pthread_cond_t *cond);

int __wrap_sem_init(sem_t *sem, int pshared, unsigned int value);
int __wrap_sem_destroy(sem_t *sem);
int __wrap_sem_trywait(sem_t *sem);
int __wrap_sem_wait(sem_t *sem);
int __wrap_sem_post(sem_t *sem);
int __wrap_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int __wrap_pthread_mutex_destroy(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex);
int __wrap_pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr);
int __wrap_pthread_cond_destroy(pthread_cond_t *cond);

/* The call to fail (NULL: none), how many calls of it until then, and how. */
static const char *_Atomic fail_call;
static atomic_int fail_countdown;
static atomic_int fail_error;

/* Objects initialised and not destroyed yet. */
static atomic_int live_sems, live_mutexes, live_conds;

/* ---- The woken thread's turn ------------------------------------------------ */

/* How long a post waits at most, in seconds, for the thread it woke to have
 * its turn: only reached if no woken thread ever takes the post (the rule
 * then lapses). */
enum { TURN_WAIT_S = 1 };

/* Sleepers per semaphore: a test uses a few semaphores at a time. */
enum { SLEEPER_SEMS = 16 };

/* Everything below is guarded by turn_lock (locked with __real_..., so that
 * the wrapper does not wrap itself). */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_ended_cond = PTHREAD_COND_INITIALIZER;
static struct {
    sem_t *sem;
    int sleeping; /* threads inside sem_wait on SEM */
} sleepers[SLEEPER_SEMS];
static sem_t *turn_sem;          /* the semaphore a post is handing a turn on; NULL: none */
static bool turn_claimed;        /* a woken thread has the turn */
static unsigned long turn_given; /* turns handed out so far, the current one included */
static unsigned long turn_ended; /* turns over: turn_given once the current one is */

/* The turn this thread has (its number), 0 if none. */
static _Thread_local unsigned long my_turn;

/* Count one more (DELTA 1) or one fewer (-1) thread sleeping on SEM. Call with turn_lock. */
static void count_sleeper(sem_t *sem, int delta)
{
    int free_entry = -1;
    for (int i = 0; i < SLEEPER_SEMS; i++) {
        if (sleepers[i].sem == sem && sleepers[i].sleeping > 0) {
            sleepers[i].sleeping += delta;
            return;
        }
        if (sleepers[i].sleeping == 0 && free_entry == -1)
            free_entry = i;
    }
    /* With no entry free the rule does not apply to SEM: a test never uses
     * that many semaphores at once. */
    if (delta > 0 && free_entry != -1) {
        sleepers[free_entry].sem = sem;
        sleepers[free_entry].sleeping = 1;
    }
}

/* Is a thread sleeping in sem_wait on SEM? Call with turn_lock. */
static bool has_sleeper(sem_t *sem)
{
    for (int i = 0; i < SLEEPER_SEMS; i++)
        if (sleepers[i].sem == sem && sleepers[i].sleeping > 0)
            return true;
    return false;
}

/* The calling thread has just taken SEM (sem_wait or sem_trywait): if a post
 * on SEM is waiting for its thread's turn, the caller has it. */
static void take_turn(sem_t *sem)
{
    __real_pthread_mutex_lock(&turn_lock);
    if (turn_sem == sem && !turn_claimed) {
        turn_claimed = true;
        my_turn = turn_given;
    }
    pthread_mutex_unlock(&turn_lock);
}

void inject_turn_end(void)
{
    if (my_turn == 0)
        return;
    __real_pthread_mutex_lock(&turn_lock);
    if (turn_ended < my_turn) { /* not lapsed meanwhile */
        turn_ended = my_turn;
        turn_sem = NULL;
        pthread_cond_broadcast(&turn_ended_cond);
    }
    pthread_mutex_unlock(&turn_lock);
    my_turn = 0;
}

/* Post SEM; if that wakes a sleeping thread, return once it has had its turn. */
static int post_and_hand_over(sem_t *sem)
{
    __real_pthread_mutex_lock(&turn_lock);
    unsigned long turn = 0;
    if (turn_sem == NULL && has_sleeper(sem)) {
        turn = ++turn_given;
        turn_sem = sem;
        turn_claimed = false;
    }
    pthread_mutex_unlock(&turn_lock);
    int rc = __real_sem_post(sem);
    int saved_errno = errno;
    if (turn == 0)
        return rc;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline); /* the clock of pthread_cond_timedwait */
    deadline.tv_sec += TURN_WAIT_S;
    __real_pthread_mutex_lock(&turn_lock);
    while (turn_ended < turn)
        if (pthread_cond_timedwait(&turn_ended_cond, &turn_lock, &deadline) == ETIMEDOUT)
            break;
    if (turn_ended < turn) { /* lapsed: nobody took the post in time */
        turn_ended = turn;
        turn_sem = NULL;
    }
    pthread_mutex_unlock(&turn_lock);
    errno = saved_errno;
    return rc;
}

void inject_failure(const char *call, int nth, int error)
{
    atomic_store(&fail_countdown, nth);
    atomic_store(&fail_error, error);
    atomic_store(&fail_call, call);
}

void inject_none(void)
{
    atomic_store(&fail_call, NULL);
}

int inject_live_sems(void)
{
    return atomic_load(&live_sems);
}

int inject_live_mutexes(void)
{
    return atomic_load(&live_mutexes);
}

int inject_live_conds(void)
{
    return atomic_load(&live_conds);
}

/* Must this call of CALL fail? Then the error to fail with, else 0. */
static int failure_of(const char *call)
{
    const char *armed = atomic_load(&fail_call);
    if (armed == NULL || strcmp(armed, call) != 0)
        return 0;
    if (atomic_fetch_sub(&fail_countdown, 1) != 1)
        return 0;
    atomic_store(&fail_call, NULL);
    return atomic_load(&fail_error);
}

int __wrap_sem_init(sem_t *sem, int pshared, unsigned int value)
{
    int error = failure_of("sem_init");
    if (error != 0) {
        errno = error;
        return -1;
    }
    int rc = __real_sem_init(sem, pshared, value);
    if (rc == 0)
        atomic_fetch_add(&live_sems, 1);
    return rc;
}

int __wrap_sem_destroy(sem_t *sem)
{
    atomic_fetch_sub(&live_sems, 1);
    return __real_sem_destroy(sem);
}

int __wrap_sem_trywait(sem_t *sem)
{
    inject_turn_end();
    int error = failure_of("sem_trywait");
    if (error != 0) {
        errno = error;
        return -1;
    }
    int rc = __real_sem_trywait(sem);
    if (rc == 0)
        take_turn(sem);
    return rc;
}

int __wrap_sem_wait(sem_t *sem)
{
    inject_turn_end();
    int error = failure_of("sem_wait");
    if (error != 0) {
        errno = error;
        return -1;
    }
    __real_pthread_mutex_lock(&turn_lock);
    count_sleeper(sem, 1);
    pthread_mutex_unlock(&turn_lock);
    int rc = __real_sem_wait(sem);
    int saved_errno = errno;
    __real_pthread_mutex_lock(&turn_lock);
    count_sleeper(sem, -1);
    pthread_mutex_unlock(&turn_lock);
    if (rc == 0)
        take_turn(sem);
    errno = saved_errno;
    return rc;
}

int __wrap_sem_post(sem_t *sem)
{
    inject_turn_end();
    int error = failure_of("sem_post");
    if (error != 0) {
        errno = error;
        return -1;
    }
    return post_and_hand_over(sem);
}

int __wrap_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
    int error = failure_of("pthread_mutex_init");
    if (error != 0)
        return error; /* pthread functions return the error */
    int rc = __real_pthread_mutex_init(mutex, attr);
    if (rc == 0)
        atomic_fetch_add(&live_mutexes, 1);
    return rc;
}

int __wrap_pthread_mutex_destroy(pthread_mutex_t *mutex)
{
    atomic_fetch_sub(&live_mutexes, 1);
    return __real_pthread_mutex_destroy(mutex);
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex)
{
    int error = failure_of("pthread_mutex_lock");
    if (error == 0 && my_turn != 0) {
        /* Our turn: take the mutex before the thread that woke us can, if it
         * is free; if someone holds it, the holder goes on first anyway. */
        error = pthread_mutex_trylock(mutex);
        inject_turn_end();
        if (error != EBUSY)
            return error;
        error = 0;
    }
    inject_turn_end();
    if (error != 0)
        return error;
    return __real_pthread_mutex_lock(mutex);
}

int __wrap_pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
    int error = failure_of("pthread_cond_init");
    if (error != 0)
        return error;
    int rc = __real_pthread_cond_init(cond, attr);
    if (rc == 0)
        atomic_fetch_add(&live_conds, 1);
    return rc;
}

int __wrap_pthread_cond_destroy(pthread_cond_t *cond)
{
    atomic_fetch_sub(&live_conds, 1);
    return __real_pthread_cond_destroy(cond);
}
