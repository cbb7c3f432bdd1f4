/*
 * support.h - helpers shared by Lab 05's tests: buffers made for a test,
 * buffer calls run in a thread of their own (so that a call that blocks, or
 * blocks forever, can be watched), and runs of prodcons.
 */
#ifndef SUPPORT_H
#define SUPPORT_H

#include "oslab.h"

#include <pthread.h>   /* pthread_t */
#include <stdatomic.h> /* atomic_bool */

#include "oslab_test.h"

#include "buffer.h"
#include "trace.h"
#include "workers.h"

/* ---- Buffers ------------------------------------------------------------- */

/* A buffer of CAPACITY slots from malloc, filled with junk (init must set
 * every field), initialised with OPS->init (not shared); fails the test if
 * init fails. Tracing is started quietly for PRODUCERS producers of ITEMS
 * items: every trace check is on. */
struct buffer *make_buffer(const struct buffer_ops *ops, size_t capacity, int producers,
                           long items);

/* Fail the test if the trace checks found a problem (the first one named). */
void expect_no_problem(const char *during);

/* How many times trace_full, trace_empty, trace_put and trace_get were
 * called since make_buffer. */
long waits_full(void);
long waits_empty(void);
long traced_puts(void);
long traced_gets(void);

/* Destroy B with OPS->destroy and free it. */
void free_buffer(const struct buffer_ops *ops, struct buffer *b);

/* ---- A buffer call in a thread --------------------------------------------- */

/* One put or get running in a thread of its own. */
struct call {
    const struct buffer_ops *ops;
    struct buffer *b;
    bool put;     /* put ITEM, or get into ITEM */
    int consumer; /* for a get */
    struct item item;
    pthread_t thread;
    atomic_int tid;   /* the thread's ID, once it runs */
    atomic_bool done; /* the call has returned */
    int rc;           /* what it returned, once done */
    int error;        /* errno after it, once done */
};

/* Start OPS->put(B, ITEM) in a new thread. */
void start_put(struct call *c, const struct buffer_ops *ops, struct buffer *b, struct item item);

/* Start OPS->get(B, CONSUMER, &c->item) in a new thread. */
void start_get(struct call *c, const struct buffer_ops *ops, struct buffer *b, int consumer);

/* Wait up to TIMEOUT_MS for C to return; false if it has not. Joins it. */
bool wait_done(struct call *c, int timeout_ms);

/* Wait up to TIMEOUT_MS until C is blocked (its thread sleeping) or done;
 * true if it is blocked. */
bool wait_blocked(struct call *c, int timeout_ms);

/* Put ITEM with OPS and expect 0 within 2 s; WHY says what the test is doing. */
void put_ok(const struct buffer_ops *ops, struct buffer *b, struct item item, const char *why);

/* Get with OPS and expect 0 within 2 s; returns the item. */
struct item get_ok(const struct buffer_ops *ops, struct buffer *b, int consumer, const char *why);

/* ---- Runs of prodcons ------------------------------------------------------ */

/* Run PROGRAM (a path) with the options that follow, up to a NULL; wait up
 * to TIMEOUT_MS; fail the test with WHY if it has not ended by then. */
void run_prodcons(struct ot_result *r, const char *program, int timeout_ms, const char *why, ...);

/* Fail unless R exited 0 and its summary says "check: ok"; WHAT names the run. */
void expect_clean_run(const struct ot_result *r, const char *what);

/* The line of TEXT that starts with PREFIX, copied into LINE (LEN bytes);
 * false if there is none. */
bool line_starting(const char *text, const char *prefix, char *line, size_t len);

/* How many lines of TEXT contain NEEDLE. */
size_t count_lines_with(const char *text, const char *needle);

#endif /* SUPPORT_H */
