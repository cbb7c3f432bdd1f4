/*
 * trace.h - the event log and the checks of a run (given code: trace.c).
 *
 * Your buffer code calls four functions of this file while it works:
 *
 *   trace_put(b, item)         after storing ITEM, with the mutex held;
 *   trace_get(b, consumer, item)  after taking ITEM, with the mutex held;
 *   trace_full(b, producer)    before a producer blocks on a full buffer;
 *   trace_empty(b, consumer)   before a consumer blocks on an empty buffer.
 *
 * Called with the mutex held, trace_put and trace_get see the buffer exactly
 * as the put or get left it, in the order the puts and gets happened: the
 * log lines "produce P1 item 7 (buffer 3/5)" and "consume C2 item 7 from P1
 * (buffer 2/5)" then come in the buffer's own order, and the checks below
 * are exact. They check, on every call:
 *   - the mutex is locked;
 *   - 0 <= count <= capacity, in and out are slot numbers, and the items
 *     are in slot[out] ... slot[in - 1] (count of them, wrapping around);
 *   - trace_put: ITEM is in the slot just filled;
 *   - trace_get: ITEM was made by a producer of this run, is taken once
 *     only, and comes after every earlier item of the same producer.
 * A failed check is a "problem": logged, counted, and reported in the
 * summary, which then says FAILED (exit status 1).
 *
 * The state lives in memory the caller provides (trace_bytes), shared by
 * every process of the run with --processes.
 */
#ifndef TRACE_H
#define TRACE_H

#include "oslab.h"

#include <stdatomic.h> /* the counters several threads or processes update */

#include "buffer.h"

/* What a run is: fixed by trace_start. */
struct trace_config {
    int producers;  /* P, 1.. */
    int consumers;  /* C, 1.. */
    long items;     /* N: how many items all producers make together */
    bool log_items; /* log every produce, consume and wait (not with --quiet) */
    bool checks;    /* run the checks (the benchmark turns them off) */
};

/* The state of a run's checks. Fields a buffer call updates are guarded by
 * the buffer's mutex, except the atomic ones. */
struct trace_state {
    struct trace_config config;
    atomic_long waits_full;  /* trace_full calls */
    atomic_long waits_empty; /* trace_empty calls */
    atomic_long problems;    /* failed checks */
    char first_problem[256]; /* the first failed check, written once */
    size_t max_count;        /* the highest occupancy seen (mutex) */
    long puts;               /* trace_put calls (mutex) */
    long gets;               /* trace_get calls (mutex) */
    /* Then, in the same memory: long last_seq[P] (the last item of each
     * producer taken so far; mutex) and unsigned char taken[N] (how many
     * times each item was taken; mutex). */
};

/* Bytes the state of a run with PRODUCERS and ITEMS needs. */
size_t trace_bytes(int producers, long items);

/* Start tracing into T (trace_bytes bytes, shared with every worker) with
 * CONFIG. Every trace call of this process and its children after this goes to T. */
void trace_start(struct trace_state *t, const struct trace_config *config);

/* How many items producer P (1..producers) makes: N/P, one more for the first N%P. */
long items_of_producer(const struct trace_config *config, int producer);

/* The four calls of the buffer code (see the top of this file). */
void trace_put(struct buffer *b, struct item item);
void trace_get(struct buffer *b, int consumer, struct item item);
void trace_full(struct buffer *b, int producer);
void trace_empty(struct buffer *b, int consumer);

/* Record a problem: log "check failed: MESSAGE" (the first few) and count it. */
void trace_problem(const char *fmt, ...) OSLAB_PRINTF(1, 2);

/*
 * At the end of a run in which producer p put PUT_BY[p - 1] items: is every
 * item put taken exactly once, and nothing else? Adds a problem if not.
 * Returns the number of problems of the whole run.
 */
long trace_finish(const long *put_by);

#endif /* TRACE_H */
