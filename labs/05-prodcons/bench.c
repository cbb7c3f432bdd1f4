/*
 * bench.c - make bench: items per second through four bounded buffers
 * (given code).
 *
 *   prodcons-bench ITEMS DIR
 *
 * For P = C = 1, 2, 4 threads and capacities 1, 16 and 1024 items, ITEMS
 * items go from the producers to the consumers through:
 *   sem      the lab's buffer_put/buffer_get (two semaphores and a mutex);
 *   condvar  the lab's cvbuffer_put/cvbuffer_get (a mutex, two condvars);
 *   sem x64  the same classic structure with 64 items per slot: a producer
 *            fills a batch of its own, then one sem_wait, one lock, one copy,
 *            one unlock, one sem_post move 64 items (so K/64 slots);
 *   pipe     one write(2) per item into a pipe, one read(2) per item out of
 *            it (a pipe holds at least 4 KiB, 256 items, whatever K is).
 * The trace checks are off: this measures the buffer, not the checks. Each
 * case runs 3 times and the best is kept: other work on the machine can
 * only slow a run down. Prints the table and writes it to DIR/throughput.dat.
 */
#include "oslab.h"

#include <fcntl.h>     /* F_SETPIPE_SZ */
#include <pthread.h>   /* threads */
#include <semaphore.h> /* the batched buffer */

#include "buffer.h"
#include "trace.h"
#include "workers.h"

enum { BATCH = 64, RUNS = 3, MAX_THREADS = 8 };

/* The batched buffer: slots of up to BATCH items. */
struct batch {
    int count; /* items in it; 0 tells a consumer to stop */
    struct item item[BATCH];
};
struct batch_ring {
    sem_t free_slots, filled_slots;
    pthread_mutex_t mutex;
    size_t capacity, in, out; /* in slots */
    struct batch *slot;
};

/* One case: what to run and where. */
struct bench {
    const char *kind; /* "sem", "condvar", "batch", "pipe" */
    int threads;      /* P = C */
    size_t capacity;  /* K, in items */
    long items;       /* N */
    const struct buffer_ops *ops;
    struct buffer *buffer;
    struct batch_ring ring;
    int pipe_fds[2];
};

/* One thread of a case. */
struct role {
    struct bench *bench;
    int number; /* 1-based */
};

/* Items producer NUMBER of B makes. */
static long share_of(const struct bench *b, int number)
{
    return b->items / b->threads + (number <= b->items % b->threads ? 1 : 0);
}

/* Put one batch into the batched ring (the classic order, once per batch). */
static void batch_put(struct batch_ring *r, const struct batch *batch)
{
    while (sem_wait(&r->free_slots) == -1)
        continue;
    pthread_mutex_lock(&r->mutex);
    r->slot[r->in] = *batch;
    r->in = (r->in + 1) % r->capacity;
    pthread_mutex_unlock(&r->mutex);
    sem_post(&r->filled_slots);
}

/* Take one batch out of the batched ring. */
static void batch_get(struct batch_ring *r, struct batch *batch)
{
    while (sem_wait(&r->filled_slots) == -1)
        continue;
    pthread_mutex_lock(&r->mutex);
    *batch = r->slot[r->out];
    r->out = (r->out + 1) % r->capacity;
    pthread_mutex_unlock(&r->mutex);
    sem_post(&r->free_slots);
}

/* A producer thread: its share of the items, one by one (or a batch at a time). */
static void *producer(void *arg)
{
    struct role *role = arg;
    struct bench *b = role->bench;
    long count = share_of(b, role->number);
    struct batch batch = {.count = 0};
    for (long seq = 1; seq <= count; seq++) {
        struct item item = {.producer = role->number, .seq = seq};
        if (strcmp(b->kind, "pipe") == 0) {
            if (write_all(b->pipe_fds[1], &item, sizeof item) == -1)
                exit_errno("write to the pipe");
        } else if (strcmp(b->kind, "batch") == 0) {
            batch.item[batch.count++] = item;
            if (batch.count == BATCH || seq == count) {
                batch_put(&b->ring, &batch);
                batch.count = 0;
            }
        } else if (b->ops->put(b->buffer, item) == -1) {
            exit_errno("%s", b->ops->put_name);
        }
    }
    return NULL;
}

/* A consumer thread: take until the end, and check nothing; the items are
 * counted by the main thread as produced. */
static void *consumer(void *arg)
{
    struct role *role = arg;
    struct bench *b = role->bench;
    long sum = 0; /* something to do with each item */
    for (;;) {
        struct item item;
        if (strcmp(b->kind, "pipe") == 0) {
            ssize_t n = read(b->pipe_fds[0], &item, sizeof item);
            if (n == 0)
                break; /* every writer gone */
            if (n != (ssize_t)sizeof item)
                exit_errno("read from the pipe");
            sum += item.seq;
        } else if (strcmp(b->kind, "batch") == 0) {
            struct batch batch;
            batch_get(&b->ring, &batch);
            if (batch.count == 0)
                break;
            for (int i = 0; i < batch.count; i++)
                sum += batch.item[i].seq;
        } else if (b->ops->get(b->buffer, role->number, &item) == 0) {
            sum += item.seq;
        } else if (errno == ENODATA) {
            break;
        } else {
            exit_errno("%s", b->ops->get_name);
        }
    }
    return (void *)(intptr_t)(sum & 1);
}

/* Make the buffer of case B. */
static void set_up(struct bench *b)
{
    if (strcmp(b->kind, "pipe") == 0) {
        if (pipe(b->pipe_fds) == -1)
            exit_errno("pipe");
        /* As close to K items as a pipe goes: one page at least. */
        int bytes = (int)(b->capacity * sizeof(struct item));
        fcntl(b->pipe_fds[1], F_SETPIPE_SZ, bytes < 4096 ? 4096 : bytes);
    } else if (strcmp(b->kind, "batch") == 0) {
        struct batch_ring *r = &b->ring;
        r->capacity = b->capacity / BATCH > 0 ? b->capacity / BATCH : 1;
        r->in = r->out = 0;
        r->slot = calloc(r->capacity, sizeof *r->slot);
        if (r->slot == NULL || sem_init(&r->free_slots, 0, (unsigned int)r->capacity) == -1 ||
            sem_init(&r->filled_slots, 0, 0) == -1 || pthread_mutex_init(&r->mutex, NULL) != 0)
            exit_errno("the batched buffer");
    } else {
        b->ops = buffer_ops_for(strcmp(b->kind, "condvar") == 0 ? SYNC_CONDVAR : SYNC_SEM);
        b->buffer = malloc(buffer_bytes(b->capacity));
        if (b->buffer == NULL || b->ops->init(b->buffer, b->capacity, false) == -1)
            exit_errno("init a buffer of %zu", b->capacity);
    }
}

/* After the producers: tell the consumers there is no more. */
static void finish(struct bench *b)
{
    if (strcmp(b->kind, "pipe") == 0) {
        close(b->pipe_fds[1]); /* the consumers read 0 once it is empty */
    } else if (strcmp(b->kind, "batch") == 0) {
        struct batch stop = {.count = 0};
        for (int i = 0; i < b->threads; i++)
            batch_put(&b->ring, &stop); /* one empty batch per consumer */
    } else {
        b->ops->close(b->buffer);
    }
}

/* Free what set_up made. */
static void tear_down(struct bench *b)
{
    if (strcmp(b->kind, "pipe") == 0) {
        close(b->pipe_fds[0]);
    } else if (strcmp(b->kind, "batch") == 0) {
        sem_destroy(&b->ring.free_slots);
        sem_destroy(&b->ring.filled_slots);
        pthread_mutex_destroy(&b->ring.mutex);
        free(b->ring.slot);
    } else {
        b->ops->destroy(b->buffer);
        free(b->buffer);
    }
}

/* Items per second of one run of case B. */
static double run_once(struct bench *b)
{
    set_up(b);
    pthread_t producers[MAX_THREADS], consumers[MAX_THREADS];
    struct role roles[MAX_THREADS];
    int64_t start = now_ns();
    for (int i = 0; i < b->threads; i++) {
        roles[i] = (struct role){.bench = b, .number = i + 1};
        if (pthread_create(&consumers[i], NULL, consumer, &roles[i]) != 0 ||
            pthread_create(&producers[i], NULL, producer, &roles[i]) != 0)
            exit_msg("pthread_create failed");
    }
    for (int i = 0; i < b->threads; i++)
        pthread_join(producers[i], NULL);
    finish(b);
    for (int i = 0; i < b->threads; i++)
        pthread_join(consumers[i], NULL);
    int64_t elapsed = now_ns() - start;
    tear_down(b);
    return (double)b->items * 1e9 / (double)elapsed;
}

/* The best of RUNS runs of KIND with THREADS x THREADS and CAPACITY. */
static double best_of(const char *kind, int threads, size_t capacity, long items)
{
    double best = 0;
    for (int run = 0; run < RUNS; run++) {
        struct bench b = {.kind = kind, .threads = threads, .capacity = capacity, .items = items};
        double rate = run_once(&b);
        if (rate > best)
            best = rate;
    }
    return best;
}

int main(int argc, char *argv[])
{
    if (argc != 3)
        exit_usage("usage: prodcons-bench ITEMS DIR");
    long items = get_long(argv[1], 1000, 100000000, "ITEMS");
    char path[4096];
    snprintf(path, sizeof path, "%s/throughput.dat", argv[2]);
    FILE *data = fopen(path, "w");
    if (data == NULL)
        exit_errno("cannot write %s", path);

    /* The trace calls of the lab's buffer return at once. */
    struct trace_config config = {.producers = 1, .consumers = 1, .items = 1, .checks = false};
    static struct trace_state trace[2];
    trace_start(trace, &config);

    static const char *const kinds[] = {"sem", "condvar", "batch", "pipe"};
    static const size_t capacities[] = {1, 16, 1024};
    static const int threads[] = {1, 2, 4};
    printf("Items per second, %ld items a run, best of %d (M = million):\n\n", items, RUNS);
    printf("| P = C | capacity | sem + mutex | mutex + condvars | sem, 64 items a slot | pipe |\n");
    printf("|---:|---:|---:|---:|---:|---:|\n");
    fprintf(data, "# threads capacity sem condvar batch pipe (items/s)\n");
    double goal_sem = 0, goal_pipe = 0;
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        for (size_t c = 0; c < sizeof capacities / sizeof capacities[0]; c++) {
            double rate[4];
            for (int k = 0; k < 4; k++)
                rate[k] = best_of(kinds[k], threads[t], capacities[c], items);
            printf("| %d | %zu | %.2f M | %.2f M | %.2f M | %.2f M |\n", threads[t], capacities[c],
                   rate[0] / 1e6, rate[1] / 1e6, rate[2] / 1e6, rate[3] / 1e6);
            fflush(stdout);
            fprintf(data, "%d %zu %.0f %.0f %.0f %.0f\n", threads[t], capacities[c], rate[0],
                    rate[1], rate[2], rate[3]);
            if (threads[t] == 1 && capacities[c] == 1024) {
                goal_sem = rate[0];
                goal_pipe = rate[3];
            }
        }
    }
    fclose(data);
    double ratio = goal_pipe > 0 ? goal_sem / goal_pipe : 0;
    printf("\nGoal: the semaphore buffer at least 0.5 x the pipe, capacity 1024, 1 producer and 1 "
           "consumer: %.2f M against %.2f M items/s = %.2f x: %s\n",
           goal_sem / 1e6, goal_pipe / 1e6, ratio, ratio >= 0.5 ? "met" : "NOT met");
    return 0;
}
