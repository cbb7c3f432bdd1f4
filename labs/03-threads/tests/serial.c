/*
 * serial.c - test support, not student code: linked into serial/counter
 * with -Wl,--wrap= for count_mutex, count_spin, count_atomic, count_local
 * and join_threads, so the calls the given worker_main and main make to them
 * come here first.
 *
 * - The threads count one at a time (a lock of the kit's around each
 *   count_*): no increment is ever lost, whatever the student's locking.
 * - join_threads starts only once every thread has counted (2 s at most;
 *   racy mode, the given code's, is not waited for): a total read before
 *   the threads are joined still finds every increment.
 *
 * The tests of the program as a whole (the result line, 256 threads, the
 * speed of local) run it: a race then never decides them by chance. Each
 * race is the concern of its own tests, which force it every run
 * (counter-inject, counter-tsan).
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_t */
#include <stdatomic.h> /* atomic_int */

#include "counter.h"

void __real_count_mutex(struct counter *c);
void __wrap_count_mutex(struct counter *c);
void __real_count_spin(struct counter *c);
void __wrap_count_spin(struct counter *c);
void __real_count_atomic(struct counter *c);
void __wrap_count_atomic(struct counter *c);
void __real_count_local(struct counter *c);
void __wrap_count_local(struct counter *c);
int __real_join_threads(struct counter *c, uint64_t *total);
int __wrap_join_threads(struct counter *c, uint64_t *total);

enum { COUNTED_WAIT_MS = 2000 };

static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
static atomic_int counted; /* threads of this run that have counted */

/* COUNT(C) while no other thread counts; then one more thread has counted. */
static void serially(void (*count)(struct counter *), struct counter *c)
{
    pthread_mutex_lock(&one_at_a_time);
    count(c);
    pthread_mutex_unlock(&one_at_a_time);
    atomic_fetch_add(&counted, 1);
}

void __wrap_count_mutex(struct counter *c)
{
    serially(__real_count_mutex, c);
}

void __wrap_count_spin(struct counter *c)
{
    serially(__real_count_spin, c);
}

void __wrap_count_atomic(struct counter *c)
{
    serially(__real_count_atomic, c);
}

void __wrap_count_local(struct counter *c)
{
    serially(__real_count_local, c);
}

/* join_threads once every thread of C has counted (or COUNTED_WAIT_MS);
 * the next run (--mode all) starts counting from 0 again. */
int __wrap_join_threads(struct counter *c, uint64_t *total)
{
    int64_t deadline = now_ms() + COUNTED_WAIT_MS;
    while (c->mode != MODE_RACY && atomic_load(&counted) < c->threads && now_ms() < deadline)
        sleep_ms(1);
    int result = __real_join_threads(c, total);
    atomic_store(&counted, 0);
    return result;
}
