/*
 * counter_threads.c - the threads of counter and four ways of sharing the
 * counter: YOUR part of Lab 03.
 *
 * Each function below is a stub: it says "not implemented" and does
 * nothing. Replace the stubs one task at a time (the handout, README.md,
 * gives the order, the points and the tests of each). The contracts are in
 * counter_threads.h; the fields and their locking rules in counter.h.
 *
 * Keep every helper you add `static`: the grader accepts only the functions
 * of counter_threads.h as global symbols of this file.
 */
#include "oslab.h"

#include "counter_threads.h"

/* Say that FUNCTION is still a stub. */
static void not_implemented(const char *function)
{
    warn_msg("%s: not implemented (TODO in counter_threads.c)", function);
}

/* Task 1. */
int start_threads(struct counter *c)
{
    /* TODO: pthread_mutex_init(&c->lock, NULL); then for each i,
     * pthread_create(&c->workers[i].thread, &c->attr, worker_main,
     * &c->workers[i]). pthread_create returns its error (it does not set
     * errno): on failure print "cannot create thread I: REASON" with
     * warn_msg and strerror(error), release_threads(c), join the threads
     * already started, destroy the mutex, return -1. */
    (void)c;
    not_implemented("start_threads");
    return -1;
}

/* Task 1. */
int join_threads(struct counter *c, uint64_t *total)
{
    /* TODO: pthread_join each c->workers[i].thread (if one fails: warn_msg
     * "cannot join thread I: REASON", go on, return -1 at the end); then
     * pthread_mutex_destroy(&c->lock) and *total = counter_value(c). */
    (void)c;
    *total = 0;
    not_implemented("join_threads");
    return -1;
}

/* Task 2. */
void count_mutex(struct counter *c)
{
    /* TODO: c->increments times: lock c->lock, c->value++, unlock. */
    (void)c;
    not_implemented("count_mutex");
}

/* Task 3. */
void count_spin(struct counter *c)
{
    /* TODO: write static spin_lock/spin_unlock on an atomic_flag
     * (test-and-set with memory_order_acquire in a loop; clear with
     * memory_order_release); then as count_mutex with c->spin. */
    (void)c;
    not_implemented("count_spin");
}

/* Task 4. */
void count_atomic(struct counter *c)
{
    /* TODO: c->increments times: atomic_fetch_add(&c->atomic_value, 1). */
    (void)c;
    not_implemented("count_atomic");
}

/* Task 5. */
void count_local(struct counter *c)
{
    /* TODO: count in a local variable, then add it to c->value once, with
     * c->lock held. */
    (void)c;
    not_implemented("count_local");
}
