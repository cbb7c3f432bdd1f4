/*
 * cvbuffer.c - the bounded buffer with one mutex and two condition
 * variables: YOUR part of Lab 05 (Task 5).
 *
 * Each function below is a stub: it says "not implemented" and fails.
 * The contracts are in buffer.h, the trace calls in trace.h.
 *
 * Keep every helper you add `static`: the grader accepts only the functions
 * of buffer.h as global symbols of this file.
 */
#include "oslab.h"

#include <pthread.h> /* pthread_mutex_*, pthread_cond_* */

#include "buffer.h"
#include "trace.h"

/* Say that FUNCTION is still a stub, and fail with ENOSYS. */
static int not_implemented(const char *function)
{
    warn_msg("%s: not implemented (TODO in cvbuffer.c)", function);
    errno = ENOSYS;
    return -1;
}

/* Task 5. */
int cvbuffer_init(struct buffer *b, size_t capacity, bool shared)
{
    /* TODO: as buffer_init, with pthread_cond_init for not_full and
     * not_empty instead of the semaphores (a pthread_condattr_t with
     * PTHREAD_PROCESS_SHARED when SHARED, like the mutex). */
    (void)b;
    (void)capacity;
    (void)shared;
    return not_implemented("cvbuffer_init");
}

/* Task 5. */
void cvbuffer_destroy(struct buffer *b)
{
    /* TODO: destroy both condition variables and the mutex. */
    (void)b;
    not_implemented("cvbuffer_destroy");
}

/* Task 5. */
int cvbuffer_put(struct buffer *b, struct item item)
{
    /* TODO: lock; WHILE full and not closed: trace_full, pthread_cond_wait
     * on not_full; closed -> unlock, EPIPE; store, advance, count++,
     * trace_put; signal not_empty; unlock. */
    (void)b;
    (void)item;
    return not_implemented("cvbuffer_put");
}

/* Task 5. */
int cvbuffer_get(struct buffer *b, int consumer, struct item *item)
{
    /* TODO: lock; WHILE empty and not closed: trace_empty, wait on
     * not_empty; still empty -> unlock, ENODATA; take, advance, count--,
     * trace_get; signal not_full; unlock. */
    (void)b;
    (void)consumer;
    (void)item;
    return not_implemented("cvbuffer_get");
}

/* Task 5. */
void cvbuffer_close(struct buffer *b)
{
    /* TODO: lock; closed = true; broadcast both condition variables; unlock. */
    (void)b;
    not_implemented("cvbuffer_close");
}
