/*
 * buffer.h - the bounded buffer: what you write in buffer.c and cvbuffer.c.
 *
 * A circular array of CAPACITY slots between producers and consumers. Items
 * leave in the order they came (first in, first out). A producer that finds
 * the buffer full waits until a slot is free; a consumer that finds it empty
 * waits until an item comes. buffer_close ends the run: every producer stops,
 * every consumer takes what is left and then stops, and nobody stays blocked.
 *
 * Two implementations share struct buffer:
 *   buffer.c    two counting semaphores (free slots, filled slots) and a
 *               mutex: the classic solution (Tasks 1-4);
 *   cvbuffer.c  one mutex and two condition variables (Task 5).
 * Each uses only its own fields, plus the ring and the mutex.
 *
 * The memory of a buffer is given to you: buffer_bytes(CAPACITY) bytes,
 * from malloc for threads, or inside a mapping shared by several processes
 * (--processes), which is why a buffer holds its slots itself and no
 * pointers. The rules of the trace calls are in trace.h.
 *
 * Every function here is called by the given code (workers.c) and by the
 * graded tests directly, so keep to these contracts exactly.
 */
#ifndef BUFFER_H
#define BUFFER_H

#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_t, pthread_cond_t */
#include <semaphore.h> /* sem_t */

/* One item: who made it and its number among that producer's items. */
struct item {
    int producer; /* 1..P */
    long seq;     /* 1, 2, 3, ... in the order that producer made them */
};

/* The largest capacity buffer_init and cvbuffer_init accept. */
enum { BUFFER_MAX_CAPACITY = 1 << 20 };

struct buffer {
    size_t capacity; /* number of slots: set by init, never changed after */

    /* The semaphore buffer (buffer.c). Posted and waited on without the mutex. */
    sem_t free_slots;   /* how many slots are free: starts at capacity */
    sem_t filled_slots; /* how many slots hold an item: starts at 0 */

    /* Both. The mutex guards every field below it, and the slots. */
    pthread_mutex_t mutex;

    /* The condition-variable buffer (cvbuffer.c), used with the mutex. */
    pthread_cond_t not_full;  /* signalled when a slot becomes free */
    pthread_cond_t not_empty; /* signalled when an item comes */

    size_t in;          /* the slot the next put fills: 0..capacity-1 */
    size_t out;         /* the slot the next get empties: 0..capacity-1 */
    size_t count;       /* items in the buffer: 0..capacity */
    bool closed;        /* buffer_close (cvbuffer_close) has been called */
    struct item slot[]; /* capacity slots; an item is in slot[out], ..., slot[in - 1] */
};

/* Bytes a buffer of CAPACITY slots needs (given, in trace.c). */
size_t buffer_bytes(size_t capacity);

/* ---- The semaphore buffer: buffer.c (Tasks 1-4) ---------------------------- */

/*
 * Make B an empty, open buffer of CAPACITY slots: in, out and count 0,
 * closed false, free_slots CAPACITY, filled_slots 0, the mutex unlocked.
 * B points to buffer_bytes(CAPACITY) bytes whose content is undefined.
 * With SHARED, the semaphores (sem_init pshared 1) and the mutex
 * (PTHREAD_PROCESS_SHARED) must work between processes that map B.
 * Returns 0; -1 with errno EINVAL if CAPACITY is not 1..BUFFER_MAX_CAPACITY,
 * or with the errno of a call that failed (and nothing left initialised).
 */
int buffer_init(struct buffer *b, size_t capacity, bool shared);

/* Destroy B's semaphores and mutex. No thread may be using B, or use it after. */
void buffer_destroy(struct buffer *b);

/*
 * Put ITEM into B, in this order:
 *   1. take a free slot: sem_trywait(free_slots); if none is free (EAGAIN),
 *      call trace_full(b, item.producer), then sem_wait(free_slots), which
 *      must be tried again whenever a signal interrupts it (EINTR);
 *   2. lock the mutex; if B is closed: unlock, sem_post(free_slots) to pass
 *      the wake-up on to the next waiting producer, fail with EPIPE;
 *   3. store ITEM in slot[in], in = (in + 1) % capacity, count += 1;
 *   4. trace_put(b, item), with the mutex still held;
 *   5. unlock the mutex, then sem_post(filled_slots).
 * Never takes the mutex while it waits on a semaphore. If a call fails
 * (sem_trywait other than EAGAIN, EINTR included; sem_wait other than
 * EINTR; pthread_mutex_lock; sem_post), stop there and fail with its error
 * in errno (pthread functions return the error instead of setting errno);
 * that includes the sem_post that passes a wake-up on in step 2.
 * Returns 0; -1 with errno EPIPE if B is closed, or a failed call's errno.
 */
int buffer_put(struct buffer *b, struct item item);

/*
 * Take the oldest item out of B into *ITEM, for consumer number CONSUMER
 * (1..C), in this order:
 *   1. take a filled slot: sem_trywait(filled_slots); if there is none
 *      (EAGAIN), call trace_empty(b, consumer), then sem_wait(filled_slots),
 *      tried again on EINTR;
 *   2. lock the mutex; if B holds no item (count 0: it has been closed and
 *      drained): unlock, sem_post(filled_slots) to pass the wake-up on to
 *      the next waiting consumer, fail with ENODATA;
 *   3. *item = slot[out], out = (out + 1) % capacity, count -= 1;
 *   4. trace_get(b, consumer, *item), with the mutex still held;
 *   5. unlock the mutex, then sem_post(free_slots).
 * Items put before buffer_close are all still delivered after it. A call
 * that fails makes it fail at once with that call's error, as in buffer_put.
 * Returns 0; -1 with errno ENODATA once B is closed and empty, or a failed
 * call's errno.
 */
int buffer_get(struct buffer *b, int consumer, struct item *item);

/*
 * Close B: no item may be put any more. Sets closed under the mutex, then
 * posts filled_slots once and free_slots once, so that a blocked consumer
 * and a blocked producer wake up; each passes the wake-up on (see above),
 * so every waiter ends, however many there are. May be called more than
 * once, and by a process other than the workers' (--processes). If locking
 * the mutex fails, print a warning (warn_msg with strerror of the returned
 * error) and return without posting.
 */
void buffer_close(struct buffer *b);

/* ---- The condition-variable buffer: cvbuffer.c (Task 5) ------------------- */

/*
 * As buffer_init, with the mutex and the two condition variables instead of
 * the semaphores (PTHREAD_PROCESS_SHARED for all three with SHARED).
 */
int cvbuffer_init(struct buffer *b, size_t capacity, bool shared);

/* Destroy B's mutex and condition variables. No thread may be using B. */
void cvbuffer_destroy(struct buffer *b);

/*
 * As buffer_put: lock the mutex; while B is full and open, trace_full(b,
 * item.producer) and pthread_cond_wait(not_full) (a loop: a wait may return
 * without a signal, or after another producer took the slot); if closed:
 * unlock, EPIPE; store as in buffer_put, trace_put, signal not_empty, unlock.
 */
int cvbuffer_put(struct buffer *b, struct item item);

/*
 * As buffer_get: lock; while B is empty and open, trace_empty(b, consumer)
 * and wait on not_empty (a loop); if still empty (closed): unlock, ENODATA;
 * take as in buffer_get, trace_get, signal not_full, unlock.
 */
int cvbuffer_get(struct buffer *b, int consumer, struct item *item);

/* Close B: closed = true under the mutex, and wake every waiter (broadcast
 * both condition variables). May be called more than once. */
void cvbuffer_close(struct buffer *b);

#endif /* BUFFER_H */
