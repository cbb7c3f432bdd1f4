/*
 * serial.c - test support, not student code: linked into serial/counter
 * with -Wl,--wrap= for count_mutex, count_spin, count_atomic, count_local,
 * worker_main and join_threads, so the calls the given code makes to the
 * student's functions, and the student's start_threads to worker_main, come
 * here first. Not for --show-threads or --hold-ms (no test runs it so).
 *
 * - The threads count one at a time (a lock of the kit's around each
 *   count_*): no increment is ever lost, whatever the student's locking.
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
#include <stdatomic.h> /* atomic_int */

#include "countwrap.h"

void *__real_worker_main(void *arg);
void *__wrap_worker_main(void *arg);
int __real_join_threads(struct counter *c, uint64_t *total);
int __wrap_join_threads(struct counter *c, uint64_t *total);

enum { FINISHED_WAIT_MS = 2000 };

static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
static atomic_int finished; /* threads of this run back from worker_main */

/* COUNT(C) while no other thread counts. */
void count_wrapped(void (*count)(struct counter *), struct counter *c)
{
    pthread_mutex_lock(&one_at_a_time);
    count(c);
    pthread_mutex_unlock(&one_at_a_time);
}

/* The given worker_main; then one more thread of this run has finished. */
void *__wrap_worker_main(void *arg)
{
    void *result = __real_worker_main(arg);
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
