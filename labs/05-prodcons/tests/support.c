/*
 * support.c - helpers shared by Lab 05's tests (see support.h).
 */
#include "oslab.h"

#include <sys/syscall.h> /* SYS_gettid */

#include "inject.h"
#include "support.h"

/* The trace state of the white-box tests (one per test process). */
static struct trace_state *trace;

struct buffer *make_buffer(const struct buffer_ops *ops, size_t capacity, int producers, long items)
{
    trace = malloc(trace_bytes(producers, items));
    OT_ASSERT(trace != NULL, "test: malloc: %s", strerror(errno));
    struct trace_config config = {
        .producers = producers,
        .consumers = 1,
        .items = items,
        .log_items = false,
        .checks = true,
    };
    trace_start(trace, &config);
    struct buffer *b = malloc(buffer_bytes(capacity));
    OT_ASSERT(b != NULL, "test: malloc: %s", strerror(errno));
    memset(b, 0xA5, buffer_bytes(capacity)); /* junk: init must set every field */
    errno = 0;
    int rc = ops->init(b, capacity, false);
    OT_ASSERT(rc == 0, "%s(b, %zu, false) returned %d (%s), expected 0",
              ops == buffer_ops_for(SYNC_SEM) ? "buffer_init" : "cvbuffer_init", capacity, rc,
              strerror(errno));
    return b;
}

void expect_no_problem(const char *during)
{
    long problems = atomic_load(&trace->problems);
    OT_ASSERT(problems == 0, "%s, the trace checks found %ld problem%s; the first: %s", during,
              problems, problems == 1 ? "" : "s", trace->first_problem);
}

long waits_full(void)
{
    return atomic_load(&trace->waits_full);
}

long waits_empty(void)
{
    return atomic_load(&trace->waits_empty);
}

long traced_puts(void)
{
    return trace->puts;
}

long traced_gets(void)
{
    return trace->gets;
}

void free_buffer(const struct buffer_ops *ops, struct buffer *b)
{
    ops->destroy(b);
    free(b);
}

/* The body of a call's thread. */
static void *call_thread(void *arg)
{
    struct call *c = arg;
    atomic_store(&c->tid, (int)syscall(SYS_gettid));
    errno = 0;
    if (c->put)
        c->rc = c->ops->put(c->b, c->item);
    else
        c->rc = c->ops->get(c->b, c->consumer, &c->item);
    c->error = errno;
    inject_turn_end(); /* returned: whoever woke this call may go on */
    atomic_store(&c->done, true);
    return NULL;
}

/* Start C's thread. */
static void start_call(struct call *c)
{
    atomic_init(&c->tid, 0);
    atomic_init(&c->done, false);
    c->rc = -2;
    c->error = 0;
    int error = pthread_create(&c->thread, NULL, call_thread, c);
    OT_ASSERT(error == 0, "test: pthread_create: %s", strerror(error));
}

void start_put(struct call *c, const struct buffer_ops *ops, struct buffer *b, struct item item)
{
    *c = (struct call){.ops = ops, .b = b, .put = true, .item = item};
    start_call(c);
}

void start_get(struct call *c, const struct buffer_ops *ops, struct buffer *b, int consumer)
{
    *c = (struct call){.ops = ops, .b = b, .put = false, .consumer = consumer};
    start_call(c);
}

/* ot_wait_until predicate: has the call at ARG returned? */
static bool call_done(void *arg)
{
    return atomic_load(&((struct call *)arg)->done);
}

bool wait_done(struct call *c, int timeout_ms)
{
    if (!ot_wait_until(call_done, c, timeout_ms))
        return false;
    pthread_join(c->thread, NULL);
    return true;
}

/* The state letter of thread TID of this process, 0 if it is gone. */
static char thread_state(int tid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *paren = strrchr(text, ')');
    return paren != NULL && paren[1] == ' ' ? paren[2] : 0;
}

/* ot_wait_until predicate: is the call at ARG sleeping, or done? */
static bool call_blocked_or_done(void *arg)
{
    struct call *c = arg;
    int tid = atomic_load(&c->tid);
    return atomic_load(&c->done) || (tid != 0 && thread_state(tid) == 'S');
}

bool wait_blocked(struct call *c, int timeout_ms)
{
    if (!ot_wait_until(call_blocked_or_done, c, timeout_ms))
        return false;
    return !atomic_load(&c->done);
}

void put_ok(const struct buffer_ops *ops, struct buffer *b, struct item item, const char *why)
{
    struct call c;
    start_put(&c, ops, b, item);
    OT_ASSERT(wait_done(&c, 2000),
              "%s: %s of item %ld from P%d has not returned after 2 s (count is %zu of %zu): "
              "it waits for a slot although one is free, or for the mutex",
              why, ops->put_name, item.seq, item.producer, b->count, b->capacity);
    OT_ASSERT(c.rc == 0, "%s: %s of item %ld from P%d returned %d (%s), expected 0", why,
              ops->put_name, item.seq, item.producer, c.rc, strerror(c.error));
}

struct item get_ok(const struct buffer_ops *ops, struct buffer *b, int consumer, const char *why)
{
    struct call c;
    start_get(&c, ops, b, consumer);
    OT_ASSERT(wait_done(&c, 2000),
              "%s: %s has not returned after 2 s although the buffer holds items: it waits "
              "on the wrong semaphore or condition, or for the mutex",
              why, ops->get_name);
    OT_ASSERT(c.rc == 0, "%s: %s returned %d (%s), expected 0", why, ops->get_name, c.rc,
              strerror(c.error));
    return c.item;
}

void run_prodcons(struct ot_result *r, const char *program, int timeout_ms, const char *why, ...)
{
    const char *argv[64];
    va_list ap;
    va_start(ap, why);
    size_t argc = ot_argv_from(argv, sizeof argv / sizeof argv[0], program, ap);
    va_end(ap);
    ot_run(argv, NULL, timeout_ms, r);
    if (r->timed_out) {
        char command[1024] = "";
        for (size_t i = 0; i < argc; i++) {
            strncat(command, i == 0 ? "prodcons" : " ", sizeof command - strlen(command) - 1);
            if (i > 0)
                strncat(command, argv[i], sizeof command - strlen(command) - 1);
        }
        OT_FAIL("'%s' had not ended after %d ms: %s. Its output so far:\n%.1500s%.1500s", command,
                timeout_ms, why, r->out, r->err);
    }
}

void expect_clean_run(const struct ot_result *r, const char *what)
{
    char line[512] = "(none)";
    bool has_check = line_starting(r->out, "check:", line, sizeof line);
    int status = ot_exit_status(r);
    char how[64];
    OT_ASSERT(status == 0 && has_check && strncmp(line, "check: ok", 9) == 0,
              "%s: prodcons %s, its check line: \"%s\". The end of its log:\n%.1500s", what,
              ot_describe_status(r->status, how, sizeof how), line,
              r->err_len > 1500 ? r->err + r->err_len - 1500 : r->err);
}

bool line_starting(const char *text, const char *prefix, char *line, size_t len)
{
    size_t prefix_len = strlen(prefix);
    for (const char *start = text; start != NULL && *start != '\0';) {
        const char *end = strchr(start, '\n');
        size_t n = end != NULL ? (size_t)(end - start) : strlen(start);
        if (n >= prefix_len && strncmp(start, prefix, prefix_len) == 0) {
            snprintf(line, len, "%.*s", (int)n, start);
            return true;
        }
        start = end != NULL ? end + 1 : NULL;
    }
    return false;
}

size_t count_lines_with(const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *start = text; start != NULL && *start != '\0';) {
        const char *end = strchr(start, '\n');
        size_t n = end != NULL ? (size_t)(end - start) : strlen(start);
        const char *hit = strstr(start, needle);
        if (hit != NULL && hit < start + n)
            count++;
        start = end != NULL ? end + 1 : NULL;
    }
    return count;
}
