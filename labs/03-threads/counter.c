/*
 * counter.c - the given part of a run: setting it up, the start routine of
 * every thread, the racy mode, the start gate, and the final value.
 */
#include "oslab.h"

#include "counter.h"
#include "counter_threads.h"

/* 256 KiB a thread instead of the usual 8 MiB: 256 threads then need 64 MiB
 * of address space, not 2 GiB (more than the grader allows a process). */
enum { THREAD_STACK_BYTES = 256 * 1024 };

/* clang-format off */
static const char *const mode_names[MODE_COUNT] = {
    [MODE_RACY] = "racy",
    [MODE_MUTEX] = "mutex",
    [MODE_SPIN] = "spin",
    [MODE_ATOMIC] = "atomic",
    [MODE_LOCAL] = "local",
};
/* clang-format on */

const char *mode_name(enum count_mode mode)
{
    return mode < MODE_COUNT ? mode_names[mode] : "unknown";
}

void counter_init(struct counter *c, enum count_mode mode, int threads, uint64_t increments,
                  bool show_threads, bool hold)
{
    *c = (struct counter){
        .mode = mode,
        .threads = threads,
        .increments = increments,
        .show_threads = show_threads,
        .hold = hold,
    };
    atomic_flag_clear(&c->spin);
    atomic_init(&c->atomic_value, 0);

    c->workers = calloc((size_t)threads, sizeof *c->workers);
    if (c->workers == NULL)
        exit_errno("allocate %d threads", threads);
    for (int i = 0; i < threads; i++)
        c->workers[i] = (struct worker){.counter = c, .index = i};

    int error = pthread_attr_init(&c->attr);
    if (error == 0)
        error = pthread_attr_setstacksize(&c->attr, THREAD_STACK_BYTES);
    if (error != 0)
        exit_en(error, "thread attributes");
    error = pthread_mutex_init(&c->gate_lock, NULL);
    if (error == 0)
        error = pthread_cond_init(&c->gate_changed, NULL);
    if (error != 0)
        exit_en(error, "start gate");
}

void counter_destroy(struct counter *c)
{
    pthread_cond_destroy(&c->gate_changed);
    pthread_mutex_destroy(&c->gate_lock);
    pthread_attr_destroy(&c->attr);
    free(c->workers);
    c->workers = NULL;
}

/* Worker: wait at the start gate until release_threads opens it. */
static void wait_at_gate(struct counter *c)
{
    pthread_mutex_lock(&c->gate_lock);
    c->arrived++;
    pthread_cond_broadcast(&c->gate_changed); /* the main thread counts arrivals */
    while (!c->open)
        pthread_cond_wait(&c->gate_changed, &c->gate_lock);
    pthread_mutex_unlock(&c->gate_lock);
}

void *worker_main(void *arg)
{
    struct worker *self = arg;
    struct counter *c = self->counter;

    if (c->show_threads) {
        /* printf locks stdout: lines of different threads never mix. */
        printf("thread %d: tid %d\n", self->index, (int)gettid());
    }
    if (c->hold)
        wait_at_gate(c);

    switch (c->mode) {
    case MODE_RACY:
        count_racy(c);
        break;
    case MODE_MUTEX:
        count_mutex(c);
        break;
    case MODE_SPIN:
        count_spin(c);
        break;
    case MODE_ATOMIC:
        count_atomic(c);
        break;
    case MODE_LOCAL:
        count_local(c);
        break;
    case MODE_COUNT:
        break;
    }
    return NULL;
}

void count_racy(struct counter *c)
{
    /* c->racy++ is three steps: load, add, store. Two threads that load the
     * same value both store value + 1: one increment is lost. volatile only
     * makes the compiler do every load and store (without it, -O2 turns the
     * loop into one addition); it makes nothing atomic. */
    for (uint64_t i = 0; i < c->increments; i++)
        c->racy++;
}

void wait_for_threads(struct counter *c, int arriving)
{
    pthread_mutex_lock(&c->gate_lock);
    while (c->arrived < arriving)
        pthread_cond_wait(&c->gate_changed, &c->gate_lock);
    pthread_mutex_unlock(&c->gate_lock);
}

void release_threads(struct counter *c)
{
    pthread_mutex_lock(&c->gate_lock);
    c->open = true;
    pthread_cond_broadcast(&c->gate_changed);
    pthread_mutex_unlock(&c->gate_lock);
}

uint64_t counter_value(struct counter *c)
{
    switch (c->mode) {
    case MODE_RACY:
        return c->racy;
    case MODE_ATOMIC:
        return atomic_load(&c->atomic_value);
    case MODE_MUTEX:
    case MODE_SPIN:
    case MODE_LOCAL:
    case MODE_COUNT:
        break;
    }
    return c->value;
}
