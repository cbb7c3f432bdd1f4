/*
 * workers.h - producers and consumers, as threads or as processes (given
 * code: workers.c), and the memory they share.
 */
#ifndef WORKERS_H
#define WORKERS_H

#include "oslab.h"

#include <stdatomic.h> /* flags and counters shared by the workers */

#include "buffer.h"
#include "trace.h"

enum { MAX_PRODUCERS = 64, MAX_CONSUMERS = 64 };

/* Which buffer: --sync sem (buffer.c) or --sync condvar (cvbuffer.c). */
enum sync_kind { SYNC_SEM, SYNC_CONDVAR };

/* The five operations of one buffer implementation. */
struct buffer_ops {
    const char *name; /* "sem" or "condvar" */
    int (*init)(struct buffer *b, size_t capacity, bool shared);
    void (*destroy)(struct buffer *b);
    int (*put)(struct buffer *b, struct item item);
    int (*get)(struct buffer *b, int consumer, struct item *item);
    void (*close)(struct buffer *b);
    const char *put_name; /* "buffer_put" or "cvbuffer_put", for messages */
    const char *get_name;
};

/* The operations of KIND. */
const struct buffer_ops *buffer_ops_for(enum sync_kind kind);

/* A run, as the options describe it. */
struct run_config {
    int producers;   /* P */
    int consumers;   /* C */
    size_t capacity; /* K */
    long items;      /* N, all producers together */
    int produce_ms;  /* a producer's pause after each item */
    int consume_ms;  /* a consumer's pause after each item */
    bool processes;  /* workers are processes sharing a mapping, not threads */
    enum sync_kind sync;
    bool quiet; /* no line per item in the log */
};

/* What one worker did. */
struct worker_result {
    long items;         /* items it put (producer) or took (consumer) */
    int64_t waiting_ns; /* time spent inside put or get */
};

/* How a run ended, for the summary. */
struct run_outcome {
    struct worker_result producer[MAX_PRODUCERS];
    struct worker_result consumer[MAX_CONSUMERS];
    int stop_signal;    /* SIGINT or SIGTERM that stopped the run, or 0 */
    bool worker_failed; /* a worker reported an error, or died */
    char failure[128];  /* which, and how */
    long problems;      /* failed checks (trace.h) */
    char first_problem[256];
    size_t max_count; /* the highest occupancy seen */
    long waits_full;  /* times a producer found the buffer full */
    long waits_empty; /* times a consumer found it empty */
    long sigusr1;     /* SIGUSR1 received during the run */
};

/*
 * Run CONFIG's producers and consumers on one buffer until every item has
 * been made and taken, or SIGINT/SIGTERM stops the producers (the consumers
 * then drain the buffer), or a worker fails. Fills OUTCOME. Returns 0, or -1
 * if the run could not start (the reason printed).
 */
int run_workers(const struct run_config *config, struct run_outcome *outcome);

#endif /* WORKERS_H */
