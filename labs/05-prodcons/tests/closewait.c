/*
 * closewait.c - linked into prodcons-tsan with -Wl,--wrap= for
 * pthread_cond_wait and cvbuffer_close: the student's condition waits and
 * the given workers.c's close of the condition-variable buffer come here
 * first. Test support, not student code.
 *
 * cvbuffer_close waits (CLOSE_HOLD_MS at most) until at least two threads
 * are inside pthread_cond_wait: a close that wakes only one waiter then
 * leaves the other waiting on every run, never only when the scheduler
 * happened to let two consumers wait first. With no waiter (a buffer that
 * never waits) the close comes after CLOSE_HOLD_MS.
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_cond_wait */
#include <stdatomic.h> /* atomic_int */

#include "buffer.h"

int __real_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
void __real_cvbuffer_close(struct buffer *b);
void __wrap_cvbuffer_close(struct buffer *b);

enum { CLOSE_HOLD_MS = 2000, WAITERS_BEFORE_CLOSE = 2 };

static atomic_int waiting; /* threads inside pthread_cond_wait now */

/* pthread_cond_wait, counted while it waits. */
int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    atomic_fetch_add(&waiting, 1);
    int result = __real_pthread_cond_wait(cond, mutex);
    atomic_fetch_sub(&waiting, 1);
    return result;
}

/* cvbuffer_close once two threads wait (or CLOSE_HOLD_MS have passed). */
void __wrap_cvbuffer_close(struct buffer *b)
{
    int64_t deadline = now_ms() + CLOSE_HOLD_MS;
    while (atomic_load(&waiting) < WAITERS_BEFORE_CLOSE && now_ms() < deadline)
        sleep_ms(1);
    __real_cvbuffer_close(b);
}
