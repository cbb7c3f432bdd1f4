/*
 * buffer.c - the bounded buffer with two semaphores and a mutex: YOUR part
 * of Lab 05 (Tasks 1-4).
 *
 * Each function below is a stub: it says "not implemented" and fails.
 * Replace the stubs one task at a time (the handout, README.md, gives the
 * order, the points and the tests of each). The contracts are in buffer.h,
 * the four trace calls in trace.h.
 *
 * Keep every helper you add `static`: the grader accepts only the functions
 * of buffer.h as global symbols of this file.
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_* */
#include <semaphore.h> /* sem_* */

#include "buffer.h"
#include "trace.h"

/* Say that FUNCTION is still a stub, and fail with ENOSYS. */
static int not_implemented(const char *function)
{
    warn_msg("%s: not implemented (TODO in buffer.c)", function);
    errno = ENOSYS;
    return -1;
}

/* Task 1. */
int buffer_init(struct buffer *b, size_t capacity, bool shared)
{
    /* TODO: check CAPACITY (EINVAL); set capacity, in, out, count, closed;
     * sem_init(&b->free_slots, pshared, capacity) and filled_slots with 0;
     * pthread_mutex_init. pshared is 1 with SHARED; the mutex then needs a
     * pthread_mutexattr_t with pthread_mutexattr_setpshared(...,
     * PTHREAD_PROCESS_SHARED) (Task 4). Undo what was made if a call fails;
     * pthread functions return their error instead of setting errno. */
    (void)b;
    (void)capacity;
    (void)shared;
    return not_implemented("buffer_init");
}

/* Task 1. */
void buffer_destroy(struct buffer *b)
{
    /* TODO: pthread_mutex_destroy, sem_destroy both semaphores. */
    (void)b;
    not_implemented("buffer_destroy");
}

/* Task 2. */
int buffer_put(struct buffer *b, struct item item)
{
    /* TODO, in the order of buffer.h: sem_trywait(free_slots), and if it
     * fails with EAGAIN, trace_full then sem_wait (Task 4: again on EINTR);
     * lock; (Task 3: closed -> unlock, post free_slots, EPIPE); store in
     * slot[in], advance in modulo capacity, count++; trace_put; unlock;
     * sem_post(filled_slots). Never wait on a semaphore holding the mutex. */
    (void)b;
    (void)item;
    return not_implemented("buffer_put");
}

/* Task 2. */
int buffer_get(struct buffer *b, int consumer, struct item *item)
{
    /* TODO: the mirror of buffer_put: filled_slots (trace_empty before a
     * wait), lock, (Task 3: count 0 -> unlock, post filled_slots, ENODATA),
     * take slot[out], advance out, count--, trace_get, unlock,
     * sem_post(free_slots). */
    (void)b;
    (void)consumer;
    (void)item;
    return not_implemented("buffer_get");
}

/* Task 3. */
void buffer_close(struct buffer *b)
{
    /* TODO: closed = true with the mutex held; then one sem_post on each
     * semaphore: the woken waiter passes it on (buffer_put, buffer_get). */
    (void)b;
    not_implemented("buffer_close");
}
