/*
 * counter.h - one run of counter: the shared counters, the threads, and
 * the given code around them (counter.c).
 *
 * A run has c->threads threads; thread i gets &c->workers[i] as the argument
 * of its start routine, worker_main. Each thread adds c->increments to the
 * counter of the run's mode, protected the way the mode says. The rules for
 * each field are written beside it: who writes it, and when.
 */
#ifndef COUNTER_H
#define COUNTER_H

#include "oslab.h"

#include <pthread.h>   /* pthread_t, pthread_mutex_t, pthread_attr_t */
#include <stdatomic.h> /* atomic_flag, _Atomic */

/* How the threads share the counter. */
enum count_mode { MODE_RACY, MODE_MUTEX, MODE_SPIN, MODE_ATOMIC, MODE_LOCAL, MODE_COUNT };

/* The name of MODE ("mutex"), a string literal. */
const char *mode_name(enum count_mode mode);

struct counter;

/* One thread of a run: the argument its start routine gets. Written by
 * counter_init before any thread starts; read-only afterwards, except
 * `thread`, which pthread_create fills in. */
struct worker {
    struct counter *counter; /* the run it belongs to */
    int index;               /* 0 .. threads-1: this thread's own number */
    pthread_t thread;        /* its ID, for pthread_join */
};

/* One run. */
struct counter {
    /* Set by counter_init, read-only while threads run. */
    enum count_mode mode;
    int threads;            /* how many threads count */
    uint64_t increments;    /* what each of them adds */
    pthread_attr_t attr;    /* thread attributes: small stacks, so 256 threads fit */
    struct worker *workers; /* threads entries */
    bool show_threads;      /* --show-threads: each thread says who it is */
    bool hold;              /* threads wait at the start until release_threads */

    /* The shared counters, one per kind of protection. */
    volatile uint64_t racy;        /* racy: no protection at all (given) */
    uint64_t value;                /* mutex and local: only with `lock` held;
                                      spin: only with `spin` held */
    pthread_mutex_t lock;          /* guards value: initialised by start_threads,
                                      destroyed by join_threads */
    atomic_flag spin;              /* guards value in spin mode: clear = free */
    _Atomic uint64_t atomic_value; /* atomic: only atomic operations */

    /* The start gate of --show-threads and --hold-ms (given code only). */
    pthread_mutex_t gate_lock;
    pthread_cond_t gate_changed;
    int arrived; /* threads waiting at the gate (under gate_lock) */
    bool open;   /* the gate is open (under gate_lock) */
};

/* Set up C for a run of MODE: THREADS threads that add INCREMENTS each;
 * SHOW_THREADS and HOLD as in struct counter. Counters at 0. Exits on failure. */
void counter_init(struct counter *c, enum count_mode mode, int threads, uint64_t increments,
                  bool show_threads, bool hold);

/* Release what counter_init set up. No thread of C may be running. */
void counter_destroy(struct counter *c);

/*
 * The start routine of every thread: ARG is its struct worker. With
 * --show-threads it prints "thread I: tid T"; if C holds the threads, it
 * waits for release_threads; then it counts as the mode says (count_racy,
 * or one of the student's count_* functions). Returns NULL.
 */
void *worker_main(void *arg);

/* Racy mode: add c->increments to c->racy with a plain ++, no protection. */
void count_racy(struct counter *c);

/* Main thread, if C holds its threads: wait until ARRIVING threads are at
 * the start gate. */
void wait_for_threads(struct counter *c, int arriving);

/* Open the start gate: threads held there go on (and threads that have not
 * reached it will not stop). Safe to call more than once, and when C does
 * not hold its threads. Any thread. */
void release_threads(struct counter *c);

/* The final value of the counter of C's mode. Call it only after every
 * thread has been joined. */
uint64_t counter_value(struct counter *c);

#endif /* COUNTER_H */
