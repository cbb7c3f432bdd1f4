/*
 * counter_threads.h - the threads of counter and the four ways of sharing
 * the counter: what you write in counter_threads.c.
 *
 * The given code (main.c, counter.c) sets up a struct counter (counter.h),
 * calls start_threads, then join_threads, and prints the result line. Each
 * thread runs worker_main (given), which calls the count_* function of the
 * run's mode. The graded tests call these functions through the program,
 * so keep to these contracts exactly.
 */
#ifndef COUNTER_THREADS_H
#define COUNTER_THREADS_H

#include "counter.h"

/*
 * Initialise c->lock (pthread_mutex_init), then start c->threads threads:
 * thread i runs worker_main with &c->workers[i] as its argument (its own
 * struct, never the address of a variable that changes, such as the loop's
 * i), with the attributes &c->attr, its ID stored in c->workers[i].thread.
 * If pthread_create fails for thread K: print
 * "counter: cannot create thread K: REASON" (REASON: strerror of what
 * pthread_create returned: pthread functions return their error, they do
 * not set errno), call release_threads(c), join the K threads already
 * started, destroy c->lock, and return -1. Otherwise return 0.
 */
int start_threads(struct counter *c);

/*
 * Wait for all c->threads threads (pthread_join), then destroy c->lock and
 * store counter_value(c) in *TOTAL: read the total only after every thread
 * has been joined. If pthread_join fails for thread K, print
 * "counter: cannot join thread K: REASON" (strerror of what it returned)
 * and go on joining the others. 0, or -1 if a join failed.
 */
int join_threads(struct counter *c, uint64_t *total);

/* Mutex mode: add c->increments to c->value, one at a time, each increment
 * with c->lock held (pthread_mutex_lock / unlock around the ++). */
void count_mutex(struct counter *c);

/* Spin mode: as count_mutex, but the lock is c->spin, a spinlock you build:
 * take it with atomic_flag_test_and_set_explicit(..., memory_order_acquire)
 * in a loop until it was clear; give it back with
 * atomic_flag_clear_explicit(..., memory_order_release). */
void count_spin(struct counter *c);

/* Atomic mode: add c->increments to c->atomic_value, one at a time, each
 * with one atomic read-modify-write (atomic_fetch_add), no lock. */
void count_atomic(struct counter *c);

/* Local mode: count c->increments in a variable of this thread alone (no
 * lock: nobody else sees it), then add that total to c->value once, with
 * c->lock held. At least 10 times faster per increment than count_mutex. */
void count_local(struct counter *c);

#endif /* COUNTER_THREADS_H */
