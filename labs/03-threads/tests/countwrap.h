/*
 * countwrap.h - the count_* functions of counter_threads.c, wrapped
 * (-Wl,--wrap=count_mutex, ...) by tests/countwrap.c for the programs the
 * tests build: each call goes to count_wrapped. Test support, not student code.
 */
#ifndef COUNTWRAP_H
#define COUNTWRAP_H

#include "counter.h"

/* Run COUNT(C), the student's count_* for this run's mode, the way this
 * program wants it (inject.c: after the join has begun; serial.c: one thread
 * at a time). Defined by the program's own test support. */
void count_wrapped(void (*count)(struct counter *), struct counter *c);

#endif
