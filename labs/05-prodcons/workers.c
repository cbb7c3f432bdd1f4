/*
 * workers.c - producers and consumers, as threads or as processes (given code).
 *
 * Everything the workers share lives in one mapping: what each worker did,
 * the state of the checks (trace.c), and the buffer with its slots. For
 * threads it is private anonymous memory; for --processes it is a POSIX
 * shared memory object, mapped MAP_SHARED before the workers are forked, so
 * that they all see the same buffer, semaphores and mutex. Its name is
 * unlinked as soon as it is mapped: the mapping lives on in every process
 * that has it, and a run killed with SIGKILL leaves nothing in /dev/shm.
 *
 * Stopping: the main thread (or the parent process) waits until every
 * producer has finished, then closes the buffer so that the consumers drain
 * it and end. SIGINT or SIGTERM makes it close the buffer at once: the
 * producers stop, the consumers still take what is in it.
 */
#include "oslab.h"

#include <fcntl.h>      /* O_* for shm_open */
#include <pthread.h>    /* threads */
#include <semaphore.h>  /* the main thread's wake-up */
#include <signal.h>     /* sigaction, pthread_sigmask */
#include <sys/mman.h>   /* shm_open, mmap */
#include <sys/prctl.h>  /* PR_SET_NAME */
#include <sys/random.h> /* getrandom: a name nobody else uses */
#include <sys/wait.h>   /* waitpid */

#include "workers.h"

/* What all workers share, at the start of the mapping. The trace state and
 * the buffer follow it. */
struct run_area {
    struct worker_result producer[MAX_PRODUCERS]; /* each written by its worker only */
    struct worker_result consumer[MAX_CONSUMERS];
    long put_by[MAX_PRODUCERS]; /* items each producer put */
    atomic_int producers_done;  /* producers that have finished (threads) */
    atomic_bool stopping;       /* producers: make no more items */
    atomic_bool closed;         /* the main thread (parent) has called close */
    atomic_bool failed;         /* a worker failed */
    atomic_long sigusr1;        /* SIGUSR1 received by any worker */
    size_t trace_offset;        /* where the trace state starts */
    size_t buffer_offset;       /* where the buffer starts */
    size_t bytes;               /* the size of the whole mapping */
};

/* One worker: its role, its number (1-based), and what it works on. */
struct worker {
    bool producer;
    int number;
    const struct run_config *config;
    const struct buffer_ops *ops;
    struct run_area *area;
    struct buffer *buffer;
    pthread_t thread;
    pid_t pid;
};

/* Why the run failed, for the summary: the first worker that died. */
static char failure[128];
/* Set by the signal handlers, read by the main thread. */
static volatile sig_atomic_t stop_signal;
/* The area the SIGUSR1 handler counts in. */
static struct run_area *signal_area;
/* Threads: producers and the SIGINT handler post it to wake the main thread. */
static sem_t wake;

static const struct buffer_ops sem_ops = {
    "sem",      buffer_init,  buffer_destroy, buffer_put,
    buffer_get, buffer_close, "buffer_put",   "buffer_get",
};
static const struct buffer_ops cv_ops = {
    "condvar",    cvbuffer_init,  cvbuffer_destroy, cvbuffer_put,
    cvbuffer_get, cvbuffer_close, "cvbuffer_put",   "cvbuffer_get",
};

const struct buffer_ops *buffer_ops_for(enum sync_kind kind)
{
    return kind == SYNC_CONDVAR ? &cv_ops : &sem_ops;
}

/* The next multiple of 64 (a cache line) from N. */
static size_t align64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

/* Map the memory of a run: private for threads, shared for processes.
 * NULL (the reason printed) on failure. */
static struct run_area *map_area(const struct run_config *config)
{
    size_t trace_offset = align64(sizeof(struct run_area));
    size_t buffer_offset = align64(trace_offset + trace_bytes(config->producers, config->items));
    size_t bytes = buffer_offset + buffer_bytes(config->capacity);
    void *memory;
    if (!config->processes) {
        memory = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED) {
            warn_errno("mmap %zu bytes", bytes);
            return NULL;
        }
    } else {
        /* A name of this run alone: our PID and 32 random bits. */
        unsigned int nonce = 0;
        if (getrandom(&nonce, sizeof nonce, 0) != (ssize_t)sizeof nonce)
            nonce = (unsigned int)now_ns();
        char name[64];
        snprintf(name, sizeof name, "/prodcons-%d-%08x", (int)getpid(), nonce);
        int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd == -1) {
            warn_errno("shm_open %s", name);
            return NULL;
        }
        if (ftruncate(fd, (off_t)bytes) == -1) {
            warn_errno("ftruncate %s to %zu bytes", name, bytes);
            memory = MAP_FAILED;
        } else {
            memory = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (memory == MAP_FAILED)
                warn_errno("mmap %s", name);
        }
        /* The mapping keeps the memory; the name is no longer needed. */
        if (shm_unlink(name) == -1)
            warn_errno("shm_unlink %s", name);
        close(fd);
        if (memory == MAP_FAILED)
            return NULL;
    }
    struct run_area *area = memory;
    area->trace_offset = trace_offset;
    area->buffer_offset = buffer_offset;
    area->bytes = bytes;
    atomic_init(&area->producers_done, 0);
    atomic_init(&area->stopping, false);
    atomic_init(&area->closed, false);
    atomic_init(&area->failed, false);
    atomic_init(&area->sigusr1, 0);
    return area;
}

/* The buffer inside AREA. */
static struct buffer *area_buffer(struct run_area *area)
{
    return (struct buffer *)((char *)area + area->buffer_offset);
}

/* The trace state inside AREA. */
static struct trace_state *area_trace(struct run_area *area)
{
    return (struct trace_state *)((char *)area + area->trace_offset);
}

/* Worker W's call NAME failed (errno says why): say so, remember the first
 * failure, and wake the main thread (threads; a process exits with 1).
 * END_ERRNO (EPIPE for a put, ENODATA for a get) is how a call says that the
 * buffer is closed: from a buffer nobody closed, it is a failure too. */
static void worker_failed(struct worker *w, const char *name, int end_errno)
{
    int error = errno;
    char message[sizeof failure];
    snprintf(message, sizeof message, "%c%d: %s%s: %s", w->producer ? 'P' : 'C', w->number, name,
             error == end_errno ? " (the buffer was not closed)" : "", strerror(error));
    warn_msg("%s", message);
    if (!atomic_exchange(&w->area->failed, true))
        memcpy(failure, message, sizeof failure);
    if (!w->config->processes)
        sem_post(&wake);
}

/* A producer: make its items one by one (put, then pause), until they are
 * all made, the run stops, or the buffer is closed. 0, or 1 on an error. */
static int produce(struct worker *w)
{
    struct worker_result *result = &w->area->producer[w->number - 1];
    long count = items_of_producer(&area_trace(w->area)->config, w->number);
    for (long seq = 1; seq <= count; seq++) {
        if (atomic_load(&w->area->stopping))
            break;
        struct item item = {.producer = w->number, .seq = seq};
        int64_t start = now_ns();
        int rc = w->ops->put(w->buffer, item);
        result->waiting_ns += now_ns() - start;
        if (rc == -1) {
            if (errno == EPIPE && atomic_load(&w->area->closed))
                break; /* closed: the run is stopping */
            worker_failed(w, w->ops->put_name, EPIPE);
            return 1;
        }
        result->items++;
        w->area->put_by[w->number - 1]++;
        if (seq < count)
            sleep_ms(w->config->produce_ms);
    }
    return 0;
}

/* A consumer: take items (take, then pause) until the buffer is closed and
 * empty. 0, or 1 on an error. */
static int consume(struct worker *w)
{
    struct worker_result *result = &w->area->consumer[w->number - 1];
    for (;;) {
        struct item item;
        int64_t start = now_ns();
        int rc = w->ops->get(w->buffer, w->number, &item);
        result->waiting_ns += now_ns() - start;
        if (rc == -1) {
            if (errno == ENODATA && atomic_load(&w->area->closed))
                return 0; /* closed and drained: done */
            worker_failed(w, w->ops->get_name, ENODATA);
            return 1;
        }
        result->items++;
        sleep_ms(w->config->consume_ms);
    }
}

/* A worker thread: "prodcons-P1" or "prodcons-C1" in /proc/PID/task/TID/comm. */
static void *worker_thread(void *arg)
{
    struct worker *w = arg;
    char name[16];
    snprintf(name, sizeof name, "prodcons-%c%d", w->producer ? 'P' : 'C', w->number);
    pthread_setname_np(pthread_self(), name);
    if (w->producer) {
        produce(w);
        atomic_fetch_add(&w->area->producers_done, 1);
        sem_post(&wake); /* the main thread counts the producers done */
    } else {
        consume(w);
    }
    return NULL;
}

/* SIGINT, SIGTERM: stop the run (the main thread does the work). */
static void on_stop_signal(int signo)
{
    stop_signal = signo;
    sem_post(&wake); /* async-signal-safe: wakes a main thread in sem_wait */
}

/* SIGUSR1: only counted. It is installed without SA_RESTART, so that it
 * interrupts a worker blocked in sem_wait (which must then wait again). */
static void on_sigusr1(int signo)
{
    (void)signo;
    if (signal_area != NULL)
        atomic_fetch_add(&signal_area->sigusr1, 1);
}

/* SIGCHLD: nothing to do but interrupt sigsuspend in the parent. */
static void on_sigchld(int signo)
{
    (void)signo;
}

/* Install HANDLER for SIGNO, without SA_RESTART. */
static void catch_signal(int signo, void (*handler)(int))
{
    struct sigaction action = {.sa_handler = handler};
    sigemptyset(&action.sa_mask);
    if (sigaction(signo, &action, NULL) == -1)
        exit_errno("sigaction %s", signal_name(signo));
}

/* The producers have all finished, or the run must stop: close the buffer
 * (once). SIGNO is the signal that stops it, or 0. */
static void close_once(struct worker *any, bool *closed, int signo)
{
    if (signo != 0 && !atomic_load(&any->area->stopping)) {
        evlog("got %s: the producers stop, the consumers drain the buffer", signal_name(signo));
        atomic_store(&any->area->stopping, true);
    }
    if (!*closed) {
        atomic_store(&any->area->closed, true); /* before: ENODATA and EPIPE may follow */
        any->ops->close(any->buffer);
        *closed = true;
    }
}

/* Threads: start them all, wait for the producers (or a signal, or a
 * failure), close the buffer, join them all. */
static void run_threads(struct worker *workers, int count, int producers)
{
    struct run_area *area = workers[0].area;
    if (sem_init(&wake, 0, 0) == -1)
        exit_errno("sem_init");
    catch_signal(SIGINT, on_stop_signal);
    catch_signal(SIGTERM, on_stop_signal);
    /* Workers start with SIGINT and SIGTERM blocked: those are the main
     * thread's. SIGUSR1 stays open in them. */
    sigset_t stop_set, old_mask;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_set, &old_mask);
    int started = 0;
    for (; started < count; started++) {
        int error =
            pthread_create(&workers[started].thread, NULL, worker_thread, &workers[started]);
        if (error != 0) {
            errno = error;
            warn_errno("pthread_create");
            atomic_store(&area->failed, true);
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

    /* Every finished producer, failure and stop signal posts the semaphore. */
    while (atomic_load(&area->producers_done) < producers && stop_signal == 0 &&
           !atomic_load(&area->failed)) {
        if (sem_wait(&wake) == -1 && errno != EINTR)
            exit_errno("sem_wait");
    }
    bool closed = false;
    close_once(&workers[0], &closed, stop_signal);
    for (int i = 0; i < started; i++)
        pthread_join(workers[i].thread, NULL);
    if (sem_destroy(&wake) == -1)
        warn_errno("sem_destroy");
}

/* Processes: the worker W's life in a child; never returns. */
static noreturn void worker_process(struct worker *w)
{
    /* Ctrl-C reaches the whole process group: the parent alone handles it. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    char name[16];
    snprintf(name, sizeof name, "prodcons-%c%d", w->producer ? 'P' : 'C', w->number);
    prctl(PR_SET_NAME, name);
    int status = w->producer ? produce(w) : consume(w);
    _exit(status); /* not exit(): the parent's stdio buffers are not ours to flush */
}

/* "P2" or "C1", the name of the worker whose PID is PID; NULL if none. */
static struct worker *worker_of(struct worker *workers, int count, pid_t pid)
{
    for (int i = 0; i < count; i++)
        if (workers[i].pid == pid)
            return &workers[i];
    return NULL;
}

/* Processes: fork them all, reap them as they end, close the buffer when
 * the producers are done or a signal comes; if one dies or fails, kill the
 * rest (the buffer may be left locked by the dead one). */
static void run_processes(struct worker *workers, int count, int producers)
{
    struct run_area *area = workers[0].area;
    /* SIGCHLD, SIGINT and SIGTERM are blocked except inside sigsuspend:
     * none can slip in between the checks and the wait. */
    sigset_t set, old_mask;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, &old_mask);
    catch_signal(SIGCHLD, on_sigchld);
    catch_signal(SIGINT, on_stop_signal);
    catch_signal(SIGTERM, on_stop_signal);
    fflush(NULL); /* nothing buffered may be copied into the children */

    int started = 0;
    for (; started < count; started++) {
        pid_t pid = fork();
        if (pid == -1) {
            warn_errno("fork");
            atomic_store(&area->failed, true);
            break;
        }
        if (pid == 0) {
            sigprocmask(SIG_SETMASK, &old_mask, NULL);
            worker_process(&workers[started]);
        }
        workers[started].pid = pid;
    }

    bool closed = false, killed = false;
    int producers_done = 0, alive = started;
    while (alive > 0) {
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            alive--;
            struct worker *w = worker_of(workers, started, pid);
            if (w == NULL)
                continue;
            w->pid = 0;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                producers_done += w->producer;
                continue;
            }
            if (killed)
                continue; /* one we killed ourselves */
            char how[64];
            if (WIFSIGNALED(status))
                snprintf(how, sizeof how, "killed by %s", signal_name(WTERMSIG(status)));
            else
                snprintf(how, sizeof how, "exited %d", WEXITSTATUS(status));
            snprintf(failure, sizeof failure, "%c%d (PID %d) %s", w->producer ? 'P' : 'C',
                     w->number, (int)pid, how);
            evlog("%s: stopping the other workers", failure);
            atomic_store(&area->failed, true);
        }
        if (pid == -1 && errno != ECHILD)
            exit_errno("waitpid");
        if (atomic_load(&area->failed) || started < count) {
            /* Whoever died may hold the mutex: nobody can use the buffer now. */
            if (!killed)
                for (int i = 0; i < started; i++)
                    if (workers[i].pid > 0)
                        kill(workers[i].pid, SIGKILL);
            killed = true;
        } else if (producers_done == producers || stop_signal != 0) {
            close_once(&workers[0], &closed, stop_signal);
        }
        if (alive > 0)
            sigsuspend(&old_mask); /* returns after any of the three signals */
    }
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
}

int run_workers(const struct run_config *config, struct run_outcome *outcome)
{
    const struct buffer_ops *ops = buffer_ops_for(config->sync);
    struct run_area *area = map_area(config);
    if (area == NULL)
        return -1;
    struct buffer *buffer = area_buffer(area);
    struct trace_config trace = {
        .producers = config->producers,
        .consumers = config->consumers,
        .items = config->items,
        .log_items = !config->quiet,
        .checks = true,
    };
    trace_start(area_trace(area), &trace);
    if (ops->init(buffer, config->capacity, config->processes) == -1) {
        warn_errno("%s", config->sync == SYNC_CONDVAR ? "cvbuffer_init" : "buffer_init");
        munmap(area, area->bytes);
        return -1;
    }

    int count = config->producers + config->consumers;
    struct worker workers[MAX_PRODUCERS + MAX_CONSUMERS];
    /* Consumers first: they start waiting on an empty buffer, as in the report. */
    for (int i = 0; i < count; i++) {
        bool producer = i >= config->consumers;
        workers[i] = (struct worker){
            .producer = producer,
            .number = producer ? i - config->consumers + 1 : i + 1,
            .config = config,
            .ops = ops,
            .area = area,
            .buffer = buffer,
        };
    }
    signal_area = area;
    catch_signal(SIGUSR1, on_sigusr1);
    if (config->processes)
        run_processes(workers, count, config->producers);
    else
        run_threads(workers, count, config->producers);

    memset(outcome, 0, sizeof *outcome);
    memcpy(outcome->producer, area->producer, sizeof outcome->producer);
    memcpy(outcome->consumer, area->consumer, sizeof outcome->consumer);
    outcome->stop_signal = stop_signal;
    outcome->worker_failed = atomic_load(&area->failed);
    snprintf(outcome->failure, sizeof outcome->failure, "%s",
             failure[0] != '\0' ? failure : "a worker failed (see the log)");
    struct trace_state *state = area_trace(area);
    /* The exactly-once check needs a run that ended normally. */
    if (!outcome->worker_failed)
        trace_finish(area->put_by);
    outcome->problems = atomic_load(&state->problems);
    memcpy(outcome->first_problem, state->first_problem, sizeof outcome->first_problem);
    outcome->max_count = state->max_count;
    outcome->waits_full = atomic_load(&state->waits_full);
    outcome->waits_empty = atomic_load(&state->waits_empty);
    outcome->sigusr1 = atomic_load(&area->sigusr1);

    /* After a worker died the buffer may be left locked: do not touch it. */
    if (!outcome->worker_failed || !config->processes)
        ops->destroy(buffer);
    signal(SIGUSR1, SIG_IGN);
    signal_area = NULL;
    if (munmap(area, area->bytes) == -1)
        warn_errno("munmap");
    return 0;
}
