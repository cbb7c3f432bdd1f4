/*
 * racewrap.c - linked into prodcons-race with -Wl,--wrap=...: every call the
 * lab code makes to sem_wait, sem_post, pthread_mutex_lock,
 * pthread_mutex_unlock, pthread_cond_wait, trace_put and trace_get goes to
 * the __wrap_ function here, which calls the real one (__real_) and shakes
 * the schedule around it. Test support, not student code.
 *
 * Races strike when another thread runs inside a window a few instructions
 * wide; on an idle machine that is rare. Here:
 *   - sem_wait and pthread_mutex_lock may yield or sleep before they wait,
 *     sem_post and pthread_mutex_unlock after they post or unlock, so that
 *     the thread just woken runs first;
 *   - trace_put and trace_get (called inside the critical section) sleep
 *     more often, and check that the state of the buffer did not change
 *     meanwhile, and that the calling thread holds b->mutex;
 *   - pthread_mutex_unlock checks that the calling thread locked the mutex;
 *   - pthread_cond_wait sometimes returns at once, a spurious wake-up, which
 *     POSIX allows: the first wait of each thread, then one in four.
 * The choices come from a pseudo-random sequence seeded by
 * PRODCONS_RACE_SEED (default 1) and the thread's number: the same shaking
 * on every run, so the same submission gets the same verdict.
 */
#include "oslab.h"

#include <pthread.h>   /* pthread_mutex_t */
#include <sched.h>     /* sched_yield */
#include <semaphore.h> /* sem_t */
#include <stdatomic.h> /* the thread counter */
#include <time.h>      /* nanosleep */

#include "buffer.h"
#include "trace.h"

int __real_sem_wait(sem_t *sem);
int __real_sem_post(sem_t *sem);
int __real_pthread_mutex_lock(pthread_mutex_t *mutex);
int __real_pthread_mutex_unlock(pthread_mutex_t *mutex);
int __real_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
void __real_trace_put(struct buffer *b, struct item item);
void __real_trace_get(struct buffer *b, int consumer, struct item item);

int __wrap_sem_wait(sem_t *sem);
int __wrap_sem_post(sem_t *sem);
int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex);
int __wrap_pthread_mutex_unlock(pthread_mutex_t *mutex);
int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
void __wrap_trace_put(struct buffer *b, struct item item);
void __wrap_trace_get(struct buffer *b, int consumer, struct item item);

enum { MAX_HELD = 8 };

static atomic_uint threads_seen;            /* numbers the threads as they first call in */
static _Thread_local uint64_t random_state; /* 0 until seeded */
static _Thread_local pthread_mutex_t *held[MAX_HELD]; /* mutexes this thread holds */
static _Thread_local int held_count;
static _Thread_local long cond_waits; /* pthread_cond_wait calls so far */

/* The next pseudo-random number of this thread (xorshift64*). */
static uint64_t next_random(void)
{
    if (random_state == 0) {
        const char *seed = getenv("PRODCONS_RACE_SEED");
        uint64_t base = seed != NULL ? strtoull(seed, NULL, 10) : 1;
        unsigned int number = atomic_fetch_add(&threads_seen, 1) + 1;
        random_state = (base ^ (0x9E3779B97F4A7C15ull * number)) | 1;
    }
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * 0x2545F4914F6CDD1Dull;
}

/* Maybe let other threads run: in PER_MILLE of the calls sleep 20-300 µs,
 * in as many again yield the processor, else nothing. */
static void shake(unsigned int per_mille)
{
    uint64_t r = next_random();
    unsigned int pick = (unsigned int)(r % 1000);
    if (pick < per_mille) {
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 20000 + (long)((r >> 20) % 280000)};
        nanosleep(&pause, NULL);
    } else if (pick < 2 * per_mille) {
        sched_yield();
    }
}

/* Does this thread hold MUTEX (locked through the wrapper)? */
static bool holds(const pthread_mutex_t *mutex)
{
    for (int i = 0; i < held_count; i++)
        if (held[i] == mutex)
            return true;
    return false;
}

int __wrap_sem_wait(sem_t *sem)
{
    shake(50);
    return __real_sem_wait(sem);
}

int __wrap_sem_post(sem_t *sem)
{
    int rc = __real_sem_post(sem);
    shake(150); /* the waiter just woken may run before we go on */
    return rc;
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *mutex)
{
    shake(50);
    int rc = __real_pthread_mutex_lock(mutex);
    if (rc == 0 && held_count < MAX_HELD)
        held[held_count++] = mutex;
    return rc;
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    bool mine = false;
    for (int i = 0; i < held_count && !mine; i++)
        if (held[i] == mutex) {
            held[i] = held[--held_count];
            mine = true;
        }
    if (!mine)
        trace_problem("pthread_mutex_unlock of a mutex this thread has not locked: only "
                      "the thread that locked a mutex may unlock it");
    int rc = __real_pthread_mutex_unlock(mutex);
    shake(150);
    return rc;
}

int __wrap_pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    cond_waits++;
    if (cond_waits == 1 || next_random() % 4 == 0) {
        /* A spurious wake-up: give the mutex up for a moment, return 0. */
        __real_pthread_mutex_unlock(mutex);
        sched_yield();
        __real_pthread_mutex_lock(mutex);
        return 0;
    }
    return __real_pthread_cond_wait(cond, mutex);
}

/* The trace call WHAT inside B's critical section: is B's mutex ours, and
 * does nobody change B while we take our time? */
static void check_critical_section(struct buffer *b, const char *what)
{
    if (!holds(&b->mutex))
        trace_problem("%s was called by a thread that does not hold b->mutex: lock it "
                      "before you change the buffer, unlock it after the trace call",
                      what);
    size_t in = b->in, out = b->out, count = b->count;
    shake(300);
    if (b->in != in || b->out != out || b->count != count)
        trace_problem("while one thread was inside %s, another changed the buffer (in %zu -> "
                      "%zu, out %zu -> %zu, count %zu -> %zu): the mutex must be held from "
                      "before the change until after the trace call",
                      what, in, b->in, out, b->out, count, b->count);
}

void __wrap_trace_put(struct buffer *b, struct item item)
{
    check_critical_section(b, "trace_put");
    __real_trace_put(b, item);
}

void __wrap_trace_get(struct buffer *b, int consumer, struct item item)
{
    check_critical_section(b, "trace_get");
    __real_trace_get(b, consumer, item);
}
