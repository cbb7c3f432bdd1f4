/*
 * test_buffer.c - white-box tests: they call the buffer functions directly,
 * each blocking call in a thread of its own, and look at the buffer's
 * fields and semaphores. The trace checks (trace.h) run on every put and get.
 */
#include "oslab.h"

#include <signal.h> /* sigaction, pthread_kill */

#include "inject.h"
#include "support.h"
#include "tests.h"

/* The semaphore buffer's operations, and the condition-variable buffer's. */
#define SEM buffer_ops_for(SYNC_SEM)
#define CV buffer_ops_for(SYNC_CONDVAR)

/* The value of semaphore S. */
static int sem_value(sem_t *s)
{
    int value = -1;
    OT_ASSERT(sem_getvalue(s, &value) == 0, "test: sem_getvalue: %s", strerror(errno));
    return value;
}

/* Item SEQ of producer 1. */
static struct item item_of(long seq)
{
    return (struct item){.producer = 1, .seq = seq};
}

/* Expect B to be empty, open and at slot 0, with its mutex unlocked. */
static void expect_fresh(struct buffer *b, size_t capacity, const char *init)
{
    OT_ASSERT(b->capacity == capacity && b->in == 0 && b->out == 0 && b->count == 0 && !b->closed,
              "after %s(b, %zu, false): capacity %zu, in %zu, out %zu, count %zu, closed %d; "
              "expected %zu, 0, 0, 0, false", /* clause IN-1 */
              init, capacity, b->capacity, b->in, b->out, b->count, (int)b->closed, capacity);
    int error = pthread_mutex_trylock(&b->mutex);
    OT_ASSERT(error == 0, "after %s the mutex must be unlocked and usable: trylock gave %s", init,
              strerror(error)); /* clause IN-1 */
    pthread_mutex_unlock(&b->mutex);
}

/* Expect INIT to refuse CAPACITY with EINVAL. */
static void expect_einval(const struct buffer_ops *ops, size_t capacity)
{
    struct buffer *b = malloc(buffer_bytes(1));
    OT_ASSERT(b != NULL, "test: malloc");
    errno = 0;
    int rc = ops->init(b, capacity, false);
    int error = errno;
    const char *name = ops == SEM ? "buffer_init" : "cvbuffer_init";
    if (rc == 0)
        ops->destroy(b);
    free(b);
    OT_ASSERT(rc == -1 && error == EINVAL, /* clause IN-2 */
              "%s(b, %zu, false) returned %d (%s): a capacity outside 1..%d must fail with "
              "EINVAL",
              name, capacity, rc, strerror(error), BUFFER_MAX_CAPACITY);
}

/* Expect init to accept the largest capacity, BUFFER_MAX_CAPACITY. */
static void expect_largest_accepted(const struct buffer_ops *ops)
{
    struct buffer *b = malloc(buffer_bytes(BUFFER_MAX_CAPACITY));
    OT_ASSERT(b != NULL, "test: malloc");
    errno = 0;
    int rc = ops->init(b, BUFFER_MAX_CAPACITY, false);
    int error = errno;
    if (rc == 0)
        ops->destroy(b);
    free(b);
    OT_ASSERT(rc == 0, /* clause IN-2 */
              "%s(b, BUFFER_MAX_CAPACITY, false) returned %d (%s): capacities 1 to %d, both "
              "included, are valid",
              ops == SEM ? "buffer_init" : "cvbuffer_init", rc, strerror(error),
              BUFFER_MAX_CAPACITY);
}

void test_buffer_init(void)
{
    size_t capacity = 7;
    struct buffer *b = make_buffer(SEM, capacity, 1, 10);
    expect_fresh(b, capacity, "buffer_init");
    int free_slots = sem_value(&b->free_slots), filled = sem_value(&b->filled_slots);
    OT_ASSERT(free_slots == 7 && filled == 0, /* clause IN-1 */
              "after buffer_init(b, 7, false): free_slots is %d and filled_slots %d; expected "
              "7 and 0 (free_slots counts the free slots, filled_slots the items)",
              free_slots, filled);
    free_buffer(SEM, b);
    b = make_buffer(SEM, 1, 1, 10);
    OT_ASSERT(sem_value(&b->free_slots) == 1 && sem_value(&b->filled_slots) == 0,
              "after buffer_init(b, 1, false): free_slots %d, filled_slots %d; expected 1 and 0",
              sem_value(&b->free_slots), sem_value(&b->filled_slots)); /* clause IN-1 */
    /* Destroyed, the same memory makes a new buffer. */
    buffer_destroy(b);
    OT_ASSERT(buffer_init(b, 1, false) == 0, /* clause IN-3 */
              "buffer_init on the memory of a destroyed buffer failed: %s", strerror(errno));
    free_buffer(SEM, b);
    expect_einval(SEM, 0);
    expect_einval(SEM, (size_t)BUFFER_MAX_CAPACITY + 1);
    expect_largest_accepted(SEM);
}

/* Items through a buffer of CAPACITY, one call at a time: puts and gets in
 * a pattern that wraps the ring around several times. */
static void check_order(const struct buffer_ops *ops, size_t capacity)
{
    long total = (long)capacity * 4 + 3;
    struct buffer *b = make_buffer(ops, capacity, 1, total);
    long next_put = 1, next_get = 1;
    char why[128];
    for (size_t round = 0; next_get <= total; round++) {
        /* Put a few (1, 2, ... up to a full buffer), then take all or all but one. */
        size_t puts = round % capacity + 1;
        while (puts-- > 0 && b->count < capacity && next_put <= total) {
            size_t in = b->in;
            snprintf(why, sizeof why, "putting item %ld into a buffer of %zu holding %zu", next_put,
                     capacity, b->count);
            put_ok(ops, b, item_of(next_put), why);
            OT_ASSERT(b->in == (in + 1) % capacity, /* clause PG-2 */
                      "%s: in went from %zu to %zu, expected %zu (in = (in + 1) %% capacity)", why,
                      in, b->in, (in + 1) % capacity);
            next_put++;
        }
        size_t keep = round % 2 == 0 && b->count > 1 && next_put <= total ? 1 : 0;
        while (b->count > keep && next_get <= total) {
            size_t out = b->out;
            snprintf(why, sizeof why, "taking item %ld from a buffer of %zu holding %zu", next_get,
                     capacity, b->count);
            struct item got = get_ok(ops, b, 1, why);
            OT_ASSERT(got.producer == 1 && got.seq == next_get, /* clause PG-1 */
                      "%s: got item %ld from P%d, expected item %ld from P1 (first in, first "
                      "out)",
                      why, got.seq, got.producer, next_get);
            OT_ASSERT(b->out == (out + 1) % capacity, /* clause PG-2 */
                      "%s: out went from %zu to %zu, expected %zu", why, out, b->out,
                      (out + 1) % capacity);
            next_get++;
        }
    }
    OT_ASSERT(b->count == 0, "after as many gets as puts, count is %zu", b->count);
    OT_ASSERT(traced_puts() == total && traced_gets() == total, /* clause TR-4 */
              "%ld puts and gets each called trace_put %ld times and trace_get %ld times: "
              "once each, inside the critical section",
              total, traced_puts(), traced_gets());
    if (ops == SEM)
        OT_ASSERT(sem_value(&b->free_slots) == (int)capacity && sem_value(&b->filled_slots) == 0,
                  "after as many gets as puts: free_slots %d and filled_slots %d, expected %zu "
                  "and 0: each put takes a free slot and posts a filled one, each get the "
                  "reverse", /* clause PG-3 */
                  sem_value(&b->free_slots), sem_value(&b->filled_slots), capacity);
    expect_no_problem(ops == SEM ? "putting and getting one at a time" : "cvbuffer: one at a time");
    free_buffer(ops, b);
}

void test_put_get_order(void)
{
    check_order(SEM, 1);
    check_order(SEM, 2);
    check_order(SEM, 5);
}

/* A put into a full buffer blocks until a get frees a slot. */
static void check_put_blocks(const struct buffer_ops *ops)
{
    size_t capacity = 3;
    struct buffer *b = make_buffer(ops, capacity, 1, 10);
    for (long seq = 1; seq <= 3; seq++)
        put_ok(ops, b, item_of(seq), "filling a buffer of 3");
    struct call blocked;
    start_put(&blocked, ops, b, item_of(4));
    OT_ASSERT(wait_blocked(&blocked, 2000), /* clause PG-4 */
              "%s into a full buffer returned %d (%s) instead of waiting for a free slot",
              ops->put_name, blocked.rc, strerror(blocked.error));
    OT_ASSERT(waits_full() >= 1, /* clause TR-3 */
              "a %s blocked on a full buffer without calling trace_full first (the log line "
              "\"P1 waits: buffer full\")",
              ops->put_name);
    /* A put waiting on a full buffer must not hold the mutex: the get needs it. */
    struct item got = get_ok(ops, b, 1, /* clause MX-1 */
                             "taking one item from a full buffer with a put waiting");
    OT_ASSERT(got.seq == 1, "the first get of a full buffer gave item %ld, expected 1", got.seq);
    OT_ASSERT(wait_done(&blocked, 2000), /* clause PG-4 */
              "a %s waiting on a full buffer was not woken within 2 s when a get freed a slot",
              ops->put_name);
    OT_ASSERT(blocked.rc == 0, "the waiting %s returned %d (%s) once a slot was free",
              ops->put_name, blocked.rc, strerror(blocked.error));
    for (long seq = 2; seq <= 4; seq++) {
        got = get_ok(ops, b, 1, "draining the buffer");
        OT_ASSERT(got.seq == seq, "draining: got item %ld, expected %ld", got.seq, seq);
    }
    expect_no_problem("a put that waited for a slot");
    free_buffer(ops, b);
}

/* A get from an empty buffer blocks until a put brings an item. */
static void check_get_blocks(const struct buffer_ops *ops)
{
    struct buffer *b = make_buffer(ops, 2, 1, 10);
    struct call blocked;
    start_get(&blocked, ops, b, 1);
    OT_ASSERT(wait_blocked(&blocked, 2000), /* clause PG-5 */
              "%s from an empty buffer returned %d (%s) instead of waiting for an item",
              ops->get_name, blocked.rc, strerror(blocked.error));
    OT_ASSERT(waits_empty() >= 1, /* clause TR-5 */
              "a %s blocked on an empty buffer without calling trace_empty first (the log "
              "line \"C1 waits: buffer empty\")",
              ops->get_name);
    put_ok(ops, b, item_of(1), "putting an item while a get waits");
    OT_ASSERT(wait_done(&blocked, 2000), /* clause PG-5 */
              "a %s waiting on an empty buffer was not woken within 2 s by a put", ops->get_name);
    OT_ASSERT(blocked.rc == 0 && blocked.item.seq == 1 && blocked.item.producer == 1,
              "the waiting %s returned %d with item %ld from P%d, expected 0 with item 1 from "
              "P1",
              ops->get_name, blocked.rc, blocked.item.seq, blocked.item.producer);
    expect_no_problem("a get that waited for an item");
    free_buffer(ops, b);
}

void test_put_blocks_when_full(void)
{
    check_put_blocks(SEM);
}

void test_get_blocks_when_empty(void)
{
    check_get_blocks(SEM);
}

/* Close with WAITERS consumers blocked on an empty buffer: all must end
 * with ENODATA; a put after close must fail with EPIPE. */
static void check_close_wakes_consumers(const struct buffer_ops *ops, const char *close_name)
{
    struct buffer *b = make_buffer(ops, 4, 1, 10);
    /* Items put before the close are still delivered after it. */
    put_ok(ops, b, item_of(1), "putting item 1");
    put_ok(ops, b, item_of(2), "putting item 2");
    ops->close(b);
    for (long seq = 1; seq <= 2; seq++) {
        struct item got = get_ok(ops, b, 1, "taking what was put before the close");
        OT_ASSERT(got.seq == seq, /* clause CL-2 */
                  "after %s, get gave item %ld, expected %ld: items put before the close are "
                  "still delivered",
                  close_name, got.seq, seq);
    }
    struct call after;
    start_get(&after, ops, b, 1);
    OT_ASSERT(wait_done(&after, 2000), /* clause CL-1 */
              "%s of a closed, empty buffer did not return within 2 s: it must fail with "
              "ENODATA",
              ops->get_name);
    OT_ASSERT(after.rc == -1 && after.error == ENODATA, /* clause CL-1 */
              "%s of a closed, empty buffer returned %d (%s), expected -1 with ENODATA",
              ops->get_name, after.rc, strerror(after.error));
    free_buffer(ops, b);

    enum { WAITERS = 3 };
    b = make_buffer(ops, 2, 1, 10);
    struct call waiting[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        start_get(&waiting[i], ops, b, i + 1);
        OT_ASSERT(wait_blocked(&waiting[i], 2000), "%s from an empty buffer did not wait",
                  ops->get_name);
    }
    ops->close(b);
    for (int i = 0; i < WAITERS; i++) {
        /* clause CV-4 (cvbuffer_close must broadcast) */
        OT_ASSERT(wait_done(&waiting[i], 2000), /* clause CL-3 */
                  "%d consumers waited on an empty buffer; after %s, consumer %d was still "
                  "blocked 2 s later: every waiter must wake (each woken consumer passes the "
                  "wake-up on)",
                  WAITERS, close_name, i + 1);
        OT_ASSERT(waiting[i].rc == -1 && waiting[i].error == ENODATA, /* clause CL-1 */
                  "a consumer woken by %s returned %d (%s), expected -1 with ENODATA", close_name,
                  waiting[i].rc, strerror(waiting[i].error));
    }
    struct call put;
    start_put(&put, ops, b, item_of(3));
    OT_ASSERT(wait_done(&put, 2000) && put.rc == -1 && put.error == EPIPE, /* clause CL-4 */
              "%s into a closed buffer must fail with EPIPE at once: it returned %d (%s)",
              ops->put_name, put.rc, strerror(put.error));
    OT_ASSERT(b->count == 0, "a put into a closed buffer stored an item (count %zu)", b->count);
    free_buffer(ops, b);
}

/* Close with producers blocked on a full buffer: all end with EPIPE, the
 * items stay for the consumers. */
static void check_close_wakes_producers(const struct buffer_ops *ops, const char *close_name)
{
    enum { WAITERS = 3 };
    struct buffer *b = make_buffer(ops, 2, 1, 10);
    put_ok(ops, b, item_of(1), "filling");
    put_ok(ops, b, item_of(2), "filling");
    struct call waiting[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        start_put(&waiting[i], ops, b, item_of(3 + i));
        OT_ASSERT(wait_blocked(&waiting[i], 2000), "%s into a full buffer did not wait",
                  ops->put_name);
    }
    ops->close(b);
    for (int i = 0; i < WAITERS; i++) {
        OT_ASSERT(wait_done(&waiting[i], 2000), /* clause CL-5 */
                  "%d producers waited on a full buffer; after %s, producer %d was still "
                  "blocked 2 s later: every waiting producer must wake and fail with EPIPE",
                  WAITERS, close_name, i + 1);
        OT_ASSERT(waiting[i].rc == -1 && waiting[i].error == EPIPE, /* clause CL-5 */
                  "a producer woken by %s returned %d (%s), expected -1 with EPIPE", close_name,
                  waiting[i].rc, strerror(waiting[i].error));
    }
    for (long seq = 1; seq <= 2; seq++) {
        struct item got = get_ok(ops, b, 1, "draining a closed buffer");
        OT_ASSERT(got.seq == seq, "draining a closed buffer gave item %ld, expected %ld", got.seq,
                  seq); /* clause CL-2 */
    }
    struct call end;
    start_get(&end, ops, b, 1);
    OT_ASSERT(wait_done(&end, 2000) && end.rc == -1 && end.error == ENODATA, /* clause CL-1 */
              "once drained, %s of a closed buffer must fail with ENODATA: it returned %d (%s)",
              ops->get_name, end.rc, strerror(end.error));
    expect_no_problem("closing with producers waiting");
    free_buffer(ops, b);
}

void test_close_wakes_consumers(void)
{
    check_close_wakes_consumers(SEM, "buffer_close");
}

void test_close_wakes_producers(void)
{
    check_close_wakes_producers(SEM, "buffer_close");
}

/* SIGUSR1 deliveries seen by the test's handler. */
static atomic_int usr1_seen;

/* The test's SIGUSR1 handler: count, nothing else. */
static void on_usr1(int signo)
{
    (void)signo;
    atomic_fetch_add(&usr1_seen, 1);
}

/* Interrupt the blocked call C with SIGUSR1 (pthread_kill, so that it lands
 * in that thread) ROUNDS times; each time it must go back to waiting. */
static void interrupt(struct call *c, int rounds, const char *what)
{
    for (int round = 1; round <= rounds; round++) {
        OT_ASSERT(wait_blocked(c, 2000), "%s: the call %s before SIGUSR1 %d", what,
                  atomic_load(&c->done) ? "returned" : "did not block", round);
        int before = atomic_load(&usr1_seen);
        int error = pthread_kill(c->thread, SIGUSR1);
        OT_ASSERT(error == 0, "test: pthread_kill: %s", strerror(error));
        int64_t deadline = now_ms() + 2000;
        while (atomic_load(&usr1_seen) == before && now_ms() < deadline)
            sleep_ms(1);
        OT_ASSERT(atomic_load(&usr1_seen) > before, "test: SIGUSR1 was not delivered");
        bool blocked = wait_blocked(c, 2000);
        if (blocked) { /* sleeping again; make sure it stays so */
            sleep_ms(20);
            blocked = !atomic_load(&c->done);
        }
        OT_ASSERT(blocked, /* clause EI-1 */
                  "%s: after SIGUSR1 interrupted its sem_wait, the call returned %d (%s) "
                  "instead of waiting again: sem_wait fails with EINTR when a signal handler "
                  "runs (no SA_RESTART); retry it in a loop",
                  what, c->rc, strerror(c->error));
    }
}

void test_eintr_retried(void)
{
    struct sigaction action = {.sa_handler = on_usr1}; /* no SA_RESTART */
    sigemptyset(&action.sa_mask);
    OT_ASSERT(sigaction(SIGUSR1, &action, NULL) == 0, "test: sigaction");

    /* Two consumers blocked on an empty buffer. */
    struct buffer *b = make_buffer(SEM, 2, 1, 10);
    struct call consumer[2];
    for (int i = 0; i < 2; i++) {
        start_get(&consumer[i], SEM, b, i + 1);
        interrupt(&consumer[i], 3, "buffer_get waiting on an empty buffer");
    }
    put_ok(SEM, b, item_of(1), "putting item 1 for two interrupted consumers");
    put_ok(SEM, b, item_of(2), "putting item 2 for two interrupted consumers");
    long sum = 0;
    for (int i = 0; i < 2; i++) {
        OT_ASSERT(wait_done(&consumer[i], 2000) && consumer[i].rc == 0, /* clause EI-1 */
                  "a buffer_get interrupted by SIGUSR1 must still return the next item once "
                  "one comes: consumer %d returned %d (%s)",
                  i + 1, consumer[i].rc, strerror(consumer[i].error));
        sum += consumer[i].item.seq;
    }
    OT_ASSERT(sum == 3, "two interrupted consumers got items summing to %ld, expected 1 + 2",
              sum); /* clause EI-1 */

    /* Two producers blocked on a full buffer. */
    put_ok(SEM, b, item_of(3), "filling");
    put_ok(SEM, b, item_of(4), "filling");
    struct call producer[2];
    for (int i = 0; i < 2; i++) {
        start_put(&producer[i], SEM, b, item_of(5 + i));
        interrupt(&producer[i], 3, "buffer_put waiting on a full buffer");
    }
    for (long seq = 3; seq <= 4; seq++) {
        struct item got = get_ok(SEM, b, 1, "freeing slots for two interrupted producers");
        OT_ASSERT(got.seq == seq,
                  "got item %ld, expected %ld: an interrupted buffer_put "
                  "must not store anything",
                  got.seq, seq); /* clause EI-1 */
    }
    for (int i = 0; i < 2; i++)
        OT_ASSERT(wait_done(&producer[i], 2000) && producer[i].rc == 0, /* clause EI-1 */
                  "a buffer_put interrupted by SIGUSR1 must still put its item once a slot is "
                  "free: producer %d returned %d (%s)",
                  i + 1, producer[i].rc, strerror(producer[i].error));
    expect_no_problem("interrupting waiting calls with SIGUSR1");
    free_buffer(SEM, b);
}

void test_cv_buffer(void)
{
    struct buffer *b = make_buffer(CV, 5, 1, 10);
    expect_fresh(b, 5, "cvbuffer_init");
    free_buffer(CV, b);
    expect_einval(CV, 0);
    expect_einval(CV, (size_t)BUFFER_MAX_CAPACITY + 1);
    expect_largest_accepted(CV);
    check_order(CV, 1);
    check_order(CV, 4);
    check_put_blocks(CV);
    check_get_blocks(CV);
    check_close_wakes_consumers(CV, "cvbuffer_close");
    check_close_wakes_producers(CV, "cvbuffer_close");
}

/* Expect INIT to fail with ERROR when the NTH call of CALL fails, leaving no
 * semaphore, mutex or condition variable initialised. */
static void expect_init_failure(const struct buffer_ops *ops, const char *call, int nth, int error)
{
    const char *name = ops == SEM ? "buffer_init" : "cvbuffer_init";
    struct buffer *b = malloc(buffer_bytes(4));
    OT_ASSERT(b != NULL, "test: malloc");
    int sems = inject_live_sems(), mutexes = inject_live_mutexes(), conds = inject_live_conds();
    inject_failure(call, nth, error);
    errno = 0;
    int rc = ops->init(b, 4, false);
    int got = errno;
    inject_none();
    OT_ASSERT(rc == -1 && got == error, /* clause IN-4 */
              "when call %d of %s fails with %s, %s must fail with that errno: it returned %d "
              "(%s)",
              nth, call, strerror(error), name, rc, strerror(got));
    OT_ASSERT(inject_live_sems() == sems && inject_live_mutexes() == mutexes &&
                  inject_live_conds() == conds, /* clause IN-4 */
              "when call %d of %s fails, %s must destroy what it had made: %d semaphore(s), "
              "%d mutex(es), %d condition variable(s) are left",
              nth, call, name, inject_live_sems() - sems, inject_live_mutexes() - mutexes,
              inject_live_conds() - conds);
    free(b);
}

/* Expect init then destroy to leave nothing initialised. */
static void expect_destroy_all(const struct buffer_ops *ops)
{
    int sems = inject_live_sems(), mutexes = inject_live_mutexes(), conds = inject_live_conds();
    struct buffer *b = make_buffer(ops, 3, 1, 10);
    free_buffer(ops, b);
    OT_ASSERT(inject_live_sems() == sems && inject_live_mutexes() == mutexes &&
                  inject_live_conds() == conds, /* clause IN-3 */
              "%s must destroy everything init made: %d semaphore(s), %d mutex(es), %d "
              "condition variable(s) are left",
              ops == SEM ? "buffer_destroy" : "cvbuffer_destroy", inject_live_sems() - sems,
              inject_live_mutexes() - mutexes, inject_live_conds() - conds);
}

void test_init_failures(void)
{
    expect_init_failure(SEM, "sem_init", 1, ENOSYS);
    expect_init_failure(SEM, "sem_init", 2, ENOSYS);
    expect_init_failure(SEM, "pthread_mutex_init", 1, EAGAIN);
    expect_destroy_all(SEM);
    expect_init_failure(CV, "pthread_mutex_init", 1, ENOMEM);
    expect_init_failure(CV, "pthread_cond_init", 1, EAGAIN);
    expect_init_failure(CV, "pthread_cond_init", 2, ENOMEM);
    expect_destroy_all(CV);
}

/* With the NTH call of CALL failing with ERROR, expect the put (PUT) or get
 * on B to return -1 with that errno, within 2 s. */
static void expect_call_error(struct buffer *b, bool put, const char *call, int nth, int error)
{
    struct call c;
    inject_failure(call, nth, error);
    if (put)
        start_put(&c, SEM, b, item_of(99));
    else
        start_get(&c, SEM, b, 1);
    bool done = wait_done(&c, 2000);
    inject_none();
    OT_ASSERT(done && c.rc == -1 && c.error == error, /* clause PG-9 */
              "when %s fails with %s, %s must return -1 with that errno; it %s %d (%s)", call,
              strerror(error), put ? "buffer_put" : "buffer_get",
              done ? "returned" : "had not returned after 2 s:", c.rc, strerror(c.error));
}

void test_call_errors(void)
{
    /* Every step on a fresh buffer: a failed call may leave it inconsistent. */
    struct buffer *b = make_buffer(SEM, 2, 1, 10);
    expect_call_error(b, true, "sem_trywait", 1, EINVAL);
    free_buffer(SEM, b);
    b = make_buffer(SEM, 2, 1, 10);
    expect_call_error(b, true, "pthread_mutex_lock", 1, EAGAIN);
    free_buffer(SEM, b);
    b = make_buffer(SEM, 2, 1, 10);
    expect_call_error(b, true, "sem_post", 1, EOVERFLOW);
    free_buffer(SEM, b);
    b = make_buffer(SEM, 1, 1, 10);
    put_ok(SEM, b, item_of(1), "filling a buffer of 1");
    expect_call_error(b, true, "sem_wait", 1, EINVAL); /* full: trywait fails, then sem_wait */
    free_buffer(SEM, b);

    b = make_buffer(SEM, 2, 1, 10);
    expect_call_error(b, false, "sem_wait", 1, EINVAL); /* empty: trywait fails, then sem_wait */
    free_buffer(SEM, b);
    b = make_buffer(SEM, 2, 1, 10);
    put_ok(SEM, b, item_of(1), "putting an item");
    expect_call_error(b, false, "sem_trywait", 1, EINVAL);
    free_buffer(SEM, b);
    b = make_buffer(SEM, 2, 1, 10);
    put_ok(SEM, b, item_of(1), "putting an item");
    expect_call_error(b, false, "pthread_mutex_lock", 1, EAGAIN);
    free_buffer(SEM, b);
    b = make_buffer(SEM, 2, 1, 10);
    put_ok(SEM, b, item_of(1), "putting an item");
    expect_call_error(b, false, "sem_post", 1, EOVERFLOW);
    free_buffer(SEM, b);
}
