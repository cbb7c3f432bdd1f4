/*
 * serial.c - test support, not student code: linked into serial/counter
 * with -Wl,--wrap= for count_mutex, count_spin, count_atomic, count_local,
 * worker_main, join_threads and pthread_create, so the calls the given code
 * makes to the student's functions, and the student's start_threads to
 * pthread_create and worker_main, come here first. Not for --show-threads
 * or --hold-ms (no test runs it so).
 *
 * - The threads count one at a time (a lock of the kit's around each
 *   count_*): no increment is ever lost, whatever the student's locking.
 * - pthread_create returns only once the new thread has copied its struct
 *   worker: the argument is read while the creator still holds it, never
 *   later by a thread that ran late (a struct worker on start_threads' stack
 *   is then read the same way every run; test_show_threads is about it).
 * - join_threads starts only once every thread has returned from
 *   worker_main (2 s at most): a total read before the threads are joined
 *   still finds every increment.
 *
 * The tests of the program as a whole (the result line, 256 threads, the
 * speed of local) run it: a race then never decides them by chance. Each
 * race is the concern of its own tests, which force it every run
 * (counter-inject, counter-tsan).
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_t */
#include <semaphore.h> /* sem_t: the new thread has its argument */
#include <stdatomic.h> /* atomic_int */

#include "countwrap.h"

void *__real_worker_main(void *arg);
void *__wrap_worker_main(void *arg);
int __real_join_threads(struct counter *c, uint64_t *total);
int __wrap_join_threads(struct counter *c, uint64_t *total);
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);

enum { FINISHED_WAIT_MS = 2000 };

static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
static atomic_int finished; /* threads of this run back from worker_main */
static sem_t argument_copied; /* posted by each worker once it has its copy */

/* Before main: the semaphore pthread_create waits on. */
__attribute__((constructor)) static void make_argument_copied(void)
{
    if (sem_init(&argument_copied, 0, 0) == -1)
        exit_errno("serial: sem_init");
}

/* pthread_create; for a worker, return once it has copied its argument. */
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg)
{
    int error = __real_pthread_create(thread, attr, start, arg);
    if (error == 0 && start == __wrap_worker_main) {
        while (sem_wait(&argument_copied) == -1 && errno == EINTR)
            continue;
    }
    return error;
}

/* COUNT(C) while no other thread counts. */
void count_wrapped(void (*count)(struct counter *), struct counter *c)
{
    pthread_mutex_lock(&one_at_a_time);
    count(c);
    pthread_mutex_unlock(&one_at_a_time);
}

/* The given worker_main on a copy of ARG, taken before the creator goes
 * on; then one more thread of this run has finished. */
void *__wrap_worker_main(void *arg)
{
    struct worker own = *(struct worker *)arg;
    sem_post(&argument_copied);
    void *result = __real_worker_main(&own);
    atomic_fetch_add(&finished, 1);
    return result;
}

/* join_threads once every thread of C has finished (or FINISHED_WAIT_MS);
 * the next run (--mode all) counts its threads from 0 again. */
int __wrap_join_threads(struct counter *c, uint64_t *total)
{
    int64_t deadline = now_ms() + FINISHED_WAIT_MS;
    while (atomic_load(&finished) < c->threads && now_ms() < deadline)
        sleep_ms(1);
    int result = __real_join_threads(c, total);
    atomic_store(&finished, 0);
    return result;
}
