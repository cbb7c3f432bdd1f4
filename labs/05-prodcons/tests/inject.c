/*
 * inject.c - linked into the test binary (run-tests) with -Wl,--wrap=...:
 * every call the code under test makes to the semaphore, mutex and
 * condition-variable functions below goes through a wrapper here. By
 * default each wrapper calls the real function (__real_...) and counts the
 * objects made and destroyed; a test can make the Nth call of one function
 * fail with an error of its choice (inject_failure), to see what the
 * student's code does on a path that never runs otherwise. Test support.
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_t, pthread_cond_t */
#include <semaphore.h> /* sem_t */
#include <stdatomic.h> /* the counters, read by the test thread */

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
    int error = failure_of("sem_trywait");
    if (error != 0) {
        errno = error;
        return -1;
    }
    return __real_sem_trywait(sem);
}

int __wrap_sem_wait(sem_t *sem)
{
    int error = failure_of("sem_wait");
    if (error != 0) {
        errno = error;
        return -1;
    }
    return __real_sem_wait(sem);
}

int __wrap_sem_post(sem_t *sem)
{
    int error = failure_of("sem_post");
    if (error != 0) {
        errno = error;
        return -1;
    }
    return __real_sem_post(sem);
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
