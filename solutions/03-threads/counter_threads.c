/*
 * counter_threads.c - the threads of counter and four ways of sharing the
 * counter: the reference solution of Lab 03.
 *
 * The contracts are in counter_threads.h; the fields and their locking rules
 * in counter.h. Every helper here is static: the grader accepts only the
 * functions of counter_threads.h as global symbols of this file.
 */
#include "oslab.h"

#include "counter_threads.h"

/* Task 1. */
int start_threads(struct counter *c)
{
    int error = pthread_mutex_init(&c->lock, NULL);
    if (error != 0) {
        warn_msg("cannot initialise the mutex: %s", strerror(error));
        return -1;
    }
    for (int i = 0; i < c->threads; i++) {
        /* Each thread gets its own struct worker: &i would be read by the
         * thread whenever it runs, by then i has moved on. */
        error = pthread_create(&c->workers[i].thread, &c->attr, worker_main, &c->workers[i]);
        if (error != 0) {
            /* pthread_create returns its error; errno means nothing here. */
            warn_msg("cannot create thread %d: %s", i, strerror(error));
            release_threads(c); /* threads held at the start must not wait for ever */
            for (int started = 0; started < i; started++)
                pthread_join(c->workers[started].thread, NULL);
            pthread_mutex_destroy(&c->lock);
            return -1;
        }
    }
    return 0;
}

/* Task 1. */
int join_threads(struct counter *c, uint64_t *total)
{
    int status = 0;
    for (int i = 0; i < c->threads; i++) {
        int error = pthread_join(c->workers[i].thread, NULL);
        if (error != 0) {
            warn_msg("cannot join thread %d: %s", i, strerror(error));
            status = -1;
        }
    }
    /* Only now has every thread stopped using the lock and the counters. */
    pthread_mutex_destroy(&c->lock);
    *total = counter_value(c);
    return status;
}

/* Task 2. */
void count_mutex(struct counter *c)
{
    for (uint64_t i = 0; i < c->increments; i++) {
        pthread_mutex_lock(&c->lock);
        c->value++;
        pthread_mutex_unlock(&c->lock);
    }
}

/* Take the spinlock FLAG: loop until test-and-set finds it clear. Acquire
 * ordering: what the last holder wrote before its release is visible now. */
static void spin_lock(atomic_flag *flag)
{
    while (atomic_flag_test_and_set_explicit(flag, memory_order_acquire))
        ; /* busy: another thread holds it */
}

/* Give the spinlock FLAG back. Release ordering: every write made while
 * holding it is visible to the next thread that acquires it. */
static void spin_unlock(atomic_flag *flag)
{
    atomic_flag_clear_explicit(flag, memory_order_release);
}

/* Task 3. */
void count_spin(struct counter *c)
{
    for (uint64_t i = 0; i < c->increments; i++) {
        spin_lock(&c->spin);
        c->value++;
        spin_unlock(&c->spin);
    }
}

/* Task 4. */
void count_atomic(struct counter *c)
{
    for (uint64_t i = 0; i < c->increments; i++)
        atomic_fetch_add(&c->atomic_value, 1);
}

/* Task 5. */
void count_local(struct counter *c)
{
    uint64_t mine = 0; /* this thread's alone: no lock, no cache line shared */
    for (uint64_t i = 0; i < c->increments; i++)
        mine++;
    pthread_mutex_lock(&c->lock);
    c->value += mine;
    pthread_mutex_unlock(&c->lock);
}
