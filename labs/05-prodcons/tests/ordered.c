/*
 * ordered.c - linked into ordered/prodcons with -Wl,--wrap= for
 * buffer_put, buffer_get, sem_wait, sem_trywait and pthread_mutex_lock: the
 * calls the given workers.c makes to the student's buffer_put and
 * buffer_get, and theirs to the semaphores and mutexes, come here first.
 * Test support, not student code.
 *
 * Once a buffer_put or buffer_get has got its semaphore (a slot or an
 * item), it runs to its end while no other one that has got its semaphore
 * runs: one turn at a time, across threads and processes (--processes).
 * Waiting for a semaphore is never held up, and an operation that has to
 * wait for a mutex hands its turn on while it waits (then waits for the turn
 * again): a mutex held by an operation still waiting for its turn (a put
 * that locks before its semaphore) can never stop the run one way on one
 * run and another on the next. An operation that gives its slot
 * back before it has taken its item (a producer could overwrite it) then
 * never loses by chance: test_race_injection makes that race strike on every
 * run, and the other tests run this build, so it decides none of them.
 *
 * An operation that locks a mutex before it has its semaphore (a put that
 * locks first, then waits for a slot) takes the turn just to lock, and
 * hands it back at once: every operation that has its semaphore has then
 * ended, posts included, so no slot freed by a get is still on its way. A
 * put that finds the buffer full with the mutex held then waits for ever,
 * on every run (the deadlock that bug is), never only on the runs where no
 * get happened to be between its unlock and its post.
 */
#include "oslab.h"

#include <pthread.h>   /* the turn: a process-shared, robust mutex */
#include <semaphore.h> /* sem_t */
#include <sys/mman.h>  /* mmap: memory that fork shares */

#include "buffer.h"

int __real_buffer_put(struct buffer *b, struct item item);
int __wrap_buffer_put(struct buffer *b, struct item item);
int __real_buffer_get(struct buffer *b, int consumer, struct item *item);
int __wrap_buffer_get(struct buffer *b, int consumer, struct item *item);
int __real_sem_wait(sem_t *sem);
int __wrap_sem_wait(sem_t *sem);
int __real_sem_trywait(sem_t *sem);
int __wrap_sem_trywait(sem_t *sem);
int __real_pthread_mutex_lock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex);

static pthread_mutex_t *turn;            /* NULL if it could not be made */
static _Thread_local bool in_operation;  /* inside buffer_put or buffer_get */
static _Thread_local bool holding_turn;

/* Before main: the turn, in memory shared with the processes forked later. */
__attribute__((constructor)) static void make_turn(void)
{
    void *page = mmap(NULL, sizeof *turn, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                      -1, 0);
    if (page == MAP_FAILED)
        return;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST); /* a worker may be killed */
    if (pthread_mutex_init(page, &attr) == 0)
        turn = page;
    pthread_mutexattr_destroy(&attr);
}

/* The operation of this thread has got its semaphore: wait for its turn. */
static void take_turn(void)
{
    if (turn == NULL || !in_operation || holding_turn)
        return;
    if (__real_pthread_mutex_lock(turn) == EOWNERDEAD)
        pthread_mutex_consistent(turn);
    holding_turn = true;
}

/* The operation of this thread is over. */
static void end_operation(void)
{
    in_operation = false;
    if (holding_turn)
        pthread_mutex_unlock(turn);
    holding_turn = false;
}

int __wrap_sem_wait(sem_t *sem)
{
    int result = __real_sem_wait(sem);
    if (result == 0)
        take_turn();
    return result;
}

int __wrap_sem_trywait(sem_t *sem)
{
    int result = __real_sem_trywait(sem);
    if (result == 0)
        take_turn();
    return result;
}

/* With the turn held: a mutex that is free is taken at once; one that is
 * not is waited for without the turn, which the next operation may take
 * meanwhile. */
static int lock_in_turn(pthread_mutex_t *mutex)
{
    int result = pthread_mutex_trylock(mutex);
    if (result != EBUSY)
        return result;
    holding_turn = false;
    pthread_mutex_unlock(turn);
    result = __real_pthread_mutex_lock(mutex);
    take_turn();
    return result;
}

/* pthread_mutex_lock for ordered/prodcons: in turn inside an operation, plain outside one. */
int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex)
{
    if (holding_turn)
        return lock_in_turn(mutex);
    if (turn == NULL || !in_operation)
        return __real_pthread_mutex_lock(mutex);
    /* Before the semaphore: lock in turn, then give the turn back, so that
     * waiting for the semaphore later never holds up the others. */
    take_turn();
    int result = lock_in_turn(mutex);
    holding_turn = false;
    pthread_mutex_unlock(turn);
    return result;
}

int __wrap_buffer_put(struct buffer *b, struct item item)
{
    in_operation = true;
    int result = __real_buffer_put(b, item);
    int saved_errno = errno;
    end_operation();
    errno = saved_errno;
    return result;
}

int __wrap_buffer_get(struct buffer *b, int consumer, struct item *item)
{
    in_operation = true;
    int result = __real_buffer_get(b, consumer, item);
    int saved_errno = errno;
    end_operation();
    errno = saved_errno;
    return result;
}
