/*
 * buffer.c - the bounded buffer with two semaphores and a mutex: YOUR part
 * of Lab 05 (Tasks 1-4). The contracts are in buffer.h, the trace calls in
 * trace.h.
 *
 * Keep every helper you add `static`: the grader accepts only the functions
 * of buffer.h as global symbols of this file.
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_* */
#include <semaphore.h> /* sem_* */

#include "buffer.h"
#include "trace.h"

/* Task 1. */
int buffer_init(struct buffer *b, size_t capacity, bool shared)
{
    if (capacity < 1 || capacity > BUFFER_MAX_CAPACITY) {
        errno = EINVAL;
        return -1;
    }
    b->capacity = capacity;
    b->in = 0;
    b->out = 0;
    b->count = 0;
    b->closed = false;

    /* pshared 1: the semaphores work between processes that map B. */
    int pshared = shared ? 1 : 0;
    if (sem_init(&b->free_slots, pshared, (unsigned int)capacity) == -1)
        return -1;
    if (sem_init(&b->filled_slots, pshared, 0) == -1) {
        int saved = errno;
        sem_destroy(&b->free_slots);
        errno = saved;
        return -1;
    }

    pthread_mutexattr_t attr;
    int error = pthread_mutexattr_init(&attr);
    if (error == 0 && shared)
        error = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (error == 0) {
        error = pthread_mutex_init(&b->mutex, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (error != 0) {
        sem_destroy(&b->filled_slots);
        sem_destroy(&b->free_slots);
        errno = error; /* pthread functions return the error, errno untouched */
        return -1;
    }
    return 0;
}

/* Task 1. */
void buffer_destroy(struct buffer *b)
{
    pthread_mutex_destroy(&b->mutex);
    sem_destroy(&b->filled_slots);
    sem_destroy(&b->free_slots);
}

/* sem_wait(SEM), again whenever a signal handler interrupts it. 0, or -1 with errno. */
static int wait_retrying(sem_t *sem)
{
    while (sem_wait(sem) == -1) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}

/* Lock B's mutex; -1 with errno on failure (it returns the error). */
static int lock(struct buffer *b)
{
    int error = pthread_mutex_lock(&b->mutex);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

/* Task 2 (with Task 3's closed check and Task 4's EINTR loop). */
int buffer_put(struct buffer *b, struct item item)
{
    /* 1. A free slot, or wait for one: never with the mutex held, or the
     *    consumer that would free a slot could never get in. */
    if (sem_trywait(&b->free_slots) == -1) {
        if (errno != EAGAIN)
            return -1;
        trace_full(b, item.producer);
        if (wait_retrying(&b->free_slots) == -1)
            return -1;
    }
    /* 2. The ring is ours alone. */
    if (lock(b) == -1)
        return -1;
    if (b->closed) {
        pthread_mutex_unlock(&b->mutex);
        sem_post(&b->free_slots); /* wake the next waiting producer: it stops too */
        errno = EPIPE;
        return -1;
    }
    /* 3. Store the item, 4. trace it while the state is still ours. */
    b->slot[b->in] = item;
    b->in = (b->in + 1) % b->capacity;
    b->count++;
    trace_put(b, item);
    /* 5. Unlock, then announce the item. */
    pthread_mutex_unlock(&b->mutex);
    if (sem_post(&b->filled_slots) == -1)
        return -1;
    return 0;
}

/* Task 2 (with Task 3's drain and Task 4's EINTR loop). */
int buffer_get(struct buffer *b, int consumer, struct item *item)
{
    if (sem_trywait(&b->filled_slots) == -1) {
        if (errno != EAGAIN)
            return -1;
        trace_empty(b, consumer);
        if (wait_retrying(&b->filled_slots) == -1)
            return -1;
    }
    if (lock(b) == -1)
        return -1;
    if (b->count == 0) {
        /* Woken by buffer_close, and nothing left: pass the wake-up on. */
        pthread_mutex_unlock(&b->mutex);
        sem_post(&b->filled_slots);
        errno = ENODATA;
        return -1;
    }
    *item = b->slot[b->out];
    b->out = (b->out + 1) % b->capacity;
    b->count--;
    trace_get(b, consumer, *item);
    pthread_mutex_unlock(&b->mutex);
    if (sem_post(&b->free_slots) == -1)
        return -1;
    return 0;
}

/* Task 3. */
void buffer_close(struct buffer *b)
{
    int error = pthread_mutex_lock(&b->mutex);
    if (error != 0) {
        warn_msg("buffer_close: pthread_mutex_lock: %s", strerror(error));
        return;
    }
    b->closed = true;
    pthread_mutex_unlock(&b->mutex);
    /* One wake-up each; every woken waiter passes it on to the next. */
    sem_post(&b->filled_slots);
    sem_post(&b->free_slots);
}
