/*
 * inject.h - what the two halves of the race injection share (test
 * support, not student code): inject.c wraps pthread_create and
 * pthread_join in counter-inject and counter-tsan; inject_tsan.c wraps
 * ThreadSanitizer's access hooks in counter-tsan only.
 */
#ifndef INJECT_H
#define INJECT_H

#include "oslab.h"

/* True in the threads started through the wrapped pthread_create: the
 * workers. The access hooks act only there. */
extern _Thread_local bool inject_in_worker;

/* How many threads the wrapped pthread_create has started so far. */
int inject_threads_started(void);

/* The seed of COUNTER_INJECT_SEED, or -1 if race injection is off. */
long inject_seed(void);

/* Sleep US microseconds (not interrupted early by a signal). */
void inject_sleep_us(long us);

#endif /* INJECT_H */
