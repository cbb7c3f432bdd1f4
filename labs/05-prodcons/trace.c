/*
 * trace.c - the event log and the checks of a run (given code; see trace.h).
 */
#include "oslab.h"

#include <limits.h> /* UCHAR_MAX */

#include "trace.h"

enum { LOGGED_PROBLEMS = 5 }; /* problems logged one by one; the rest only counted */

/* The run being traced: set by trace_start before any worker starts, so
 * workers (threads, or processes forked after it) only read it. */
static struct trace_state *run;

size_t buffer_bytes(size_t capacity)
{
    return sizeof(struct buffer) + capacity * sizeof(struct item);
}

size_t trace_bytes(int producers, long items)
{
    return sizeof(struct trace_state) + (size_t)producers * sizeof(long) + (size_t)items;
}

/* The last item of each producer taken so far, after the state. */
static long *last_seq(void)
{
    return (long *)(run + 1);
}

/* How many times each item was taken: producer 1's items, then producer 2's... */
static unsigned char *taken(void)
{
    return (unsigned char *)(last_seq() + run->config.producers);
}

void trace_start(struct trace_state *t, const struct trace_config *config)
{
    memset(t, 0, trace_bytes(config->producers, config->items));
    t->config = *config;
    atomic_init(&t->waits_full, 0);
    atomic_init(&t->waits_empty, 0);
    atomic_init(&t->problems, 0);
    run = t;
}

long items_of_producer(const struct trace_config *config, int producer)
{
    long share = config->items / config->producers;
    return share + (producer <= config->items % config->producers ? 1 : 0);
}

/* Where producer P's items start in taken(). */
static long first_item_of(int producer)
{
    long share = run->config.items / run->config.producers;
    long extra = run->config.items % run->config.producers;
    long before = producer - 1;
    return before * share + (before < extra ? before : extra);
}

void trace_problem(const char *fmt, ...)
{
    char message[sizeof run->first_problem];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    long number = atomic_fetch_add(&run->problems, 1);
    if (number == 0)
        memcpy(run->first_problem, message, sizeof message);
    if (number < LOGGED_PROBLEMS)
        evlog("check failed: %s", message);
}

/* Is the mutex of B locked (by anyone)? trylock succeeds only on an
 * unlocked mutex, and then we unlock it again at once. */
static bool mutex_locked(struct buffer *b)
{
    int error = pthread_mutex_trylock(&b->mutex);
    if (error == 0)
        pthread_mutex_unlock(&b->mutex);
    return error == EBUSY;
}

/* The checks every put and get share; WHAT names the caller. False (with the
 * problem recorded) when the buffer is not in a consistent state. */
static bool ring_consistent(struct buffer *b, const char *what)
{
    if (!mutex_locked(b)) {
        trace_problem("%s called with the mutex unlocked: change the buffer and trace it "
                      "only between pthread_mutex_lock and pthread_mutex_unlock",
                      what);
        return false;
    }
    size_t capacity = b->capacity;
    if (b->count > capacity || b->in >= capacity || b->out >= capacity) {
        trace_problem("%s: count %zu, in %zu, out %zu: count must be 0..%zu, in and out "
                      "0..%zu (index %% capacity)",
                      what, b->count, b->in, b->out, capacity, capacity - 1);
        return false;
    }
    if ((b->out + b->count) % capacity != b->in) {
        trace_problem("%s: count %zu, in %zu, out %zu: the items must be slot[out] to "
                      "slot[in - 1], count of them",
                      what, b->count, b->in, b->out);
        return false;
    }
    return true;
}

void trace_put(struct buffer *b, struct item item)
{
    if (!run->config.checks)
        return;
    run->puts++;
    if (ring_consistent(b, "trace_put")) {
        if (b->count == 0) {
            trace_problem("trace_put: count is 0 after a put of item %ld from P%d", item.seq,
                          item.producer);
        } else {
            struct item stored = b->slot[(b->in + b->capacity - 1) % b->capacity];
            if (stored.producer != item.producer || stored.seq != item.seq)
                trace_problem("trace_put: item %ld from P%d is not in slot[in - 1] (which "
                              "holds item %ld from P%d)",
                              item.seq, item.producer, stored.seq, stored.producer);
        }
        if (b->count > run->max_count)
            run->max_count = b->count;
    }
    if (run->config.log_items)
        evlog("produce P%d item %ld (buffer %zu/%zu)", item.producer, item.seq, b->count,
              b->capacity);
}

void trace_get(struct buffer *b, int consumer, struct item item)
{
    if (!run->config.checks)
        return;
    run->gets++;
    ring_consistent(b, "trace_get");
    const struct trace_config *config = &run->config;
    if (item.producer < 1 || item.producer > config->producers || item.seq < 1 ||
        item.seq > items_of_producer(config, item.producer)) {
        trace_problem("C%d took an item nobody made (item %ld from P%d): taken from an "
                      "empty slot?",
                      consumer, item.seq, item.producer);
    } else {
        unsigned char *times = &taken()[first_item_of(item.producer) + item.seq - 1];
        long *last = &last_seq()[item.producer - 1];
        if (*times > 0)
            trace_problem("C%d took item %ld from P%d a second time", consumer, item.seq,
                          item.producer);
        else if (item.seq <= *last)
            trace_problem("C%d took item %ld from P%d after item %ld: items must leave "
                          "in the order they came",
                          consumer, item.seq, item.producer, *last);
        if (*times < UCHAR_MAX)
            (*times)++;
        if (item.seq > *last)
            *last = item.seq;
    }
    if (config->log_items)
        evlog("consume C%d item %ld from P%d (buffer %zu/%zu)", consumer, item.seq, item.producer,
              b->count, b->capacity);
}

void trace_full(struct buffer *b, int producer)
{
    (void)b;
    atomic_fetch_add(&run->waits_full, 1);
    if (run->config.log_items)
        evlog("P%d waits: buffer full", producer);
}

void trace_empty(struct buffer *b, int consumer)
{
    (void)b;
    atomic_fetch_add(&run->waits_empty, 1);
    if (run->config.log_items)
        evlog("C%d waits: buffer empty", consumer);
}

long trace_finish(const long *put_by)
{
    if (!run->config.checks)
        return 0;
    const struct trace_config *config = &run->config;
    for (int p = 1; p <= config->producers; p++) {
        const unsigned char *times = &taken()[first_item_of(p)];
        long made = items_of_producer(config, p);
        long lost = 0, first_lost = 0;
        for (long seq = 1; seq <= put_by[p - 1] && seq <= made; seq++)
            if (times[seq - 1] == 0 && lost++ == 0)
                first_lost = seq;
        if (lost > 0)
            trace_problem("%ld items of P%d were put but never taken (the first: item %ld)", lost,
                          p, first_lost);
        for (long seq = put_by[p - 1] + 1; seq <= made; seq++)
            if (times[seq - 1] != 0) {
                trace_problem("item %ld of P%d was taken but never put", seq, p);
                break;
            }
    }
    return atomic_load(&run->problems);
}
