/*
 * ordered.c - linked into ordered/shmipc with -Wl,--wrap= for
 * region_create, region_publish, region_await_ack and region_attach (and
 * shm_open, fork, counter_lock, raise and _exit, below): the calls the
 * given handover.c and counter.c make to the student's functions come here
 * first. Test support, not student code.
 *
 * put, once it has copied the whole file in (at region_publish), leaves a
 * mark in its working folder, and takes it away once get has acknowledged;
 * get, once region_attach has returned, waits for that mark (2 s at most)
 * before it copies anything out. get then never reads data that put has not
 * finished writing: a put that marks the object ready too early fails only
 * test_flag_after_data, which makes that race strike on every run, never the
 * other hand-overs by chance. Both sides run in the same folder. (A put run
 * as shmipc-racedelay leaves the same mark: tests/racedelay.c.)
 *
 * put also leaves a second mark while it is in region_create (between its
 * shm_open and its ftruncate the object is 0 bytes long), and get (-Wl,
 * --wrap=shm_open) holds on to an object it has opened while that mark is
 * there (2 s at most): a get that maps an object before it has its size
 * fails test_get_waits_for_size, whose put (shmipc-racedelay) is held at 0
 * bytes on every run, and never the hand-overs of two ordered/shmipc by
 * chance.
 *
 * counter (-Wl,--wrap= for fork, counter_lock, raise and _exit too): worker
 * 0 goes first. The other workers take their first lock only once worker 0
 * has died holding the lock (--kill-holder, at raise) or ended (5 s at
 * most), so with --kill-holder the lock is always taken again by workers
 * after its holder died, and a recovery that leaves the mutex unusable is
 * seen on every run, never only when the others happened to finish first.
 */
#include "oslab.h"

#include <fcntl.h>     /* open */
#include <signal.h>    /* raise */
#include <stdatomic.h> /* the flag the workers share */
#include <sys/mman.h>  /* mmap: memory that fork shares */

#include "shm.h"

int __real_region_create(struct region *r, const char *name, size_t data_size, bool force);
int __wrap_region_create(struct region *r, const char *name, size_t data_size, bool force);
void __real_region_publish(struct region *r);
void __wrap_region_publish(struct region *r);
int __real_region_await_ack(struct region *r, int timeout_ms);
int __wrap_region_await_ack(struct region *r, int timeout_ms);
int __real_region_attach(struct region *r, const char *name, int timeout_ms);
int __wrap_region_attach(struct region *r, const char *name, int timeout_ms);
int __real_shm_open(const char *name, int oflag, mode_t mode);
int __wrap_shm_open(const char *name, int oflag, mode_t mode);
pid_t __real_fork(void);
pid_t __wrap_fork(void);
int __real_counter_lock(pthread_mutex_t *lock, bool *recovered);
int __wrap_counter_lock(pthread_mutex_t *lock, bool *recovered);
int __real_raise(int signo);
int __wrap_raise(int signo);
noreturn void __real__exit(int status);
noreturn void __wrap__exit(int status);

enum { COPIED_WAIT_MS = 2000, FIRST_WORKER_WAIT_MS = 5000 };

/* The mark for object NAME: ".copied" then NAME with '/' made '-'. */
static char mark[NAME_MAX + 16];

/* In TEXT (LEN bytes): PREFIX then object NAME with '/' made '-'. */
static void object_mark(char *text, size_t len, const char *prefix, const char *name)
{
    snprintf(text, len, "%s%s", prefix, name);
    for (char *p = text; *p != '\0'; p++)
        if (*p == '/')
            *p = '-';
}

/* Set mark for object NAME. */
static void name_mark(const char *name)
{
    object_mark(mark, sizeof mark, ".copied", name);
}

/* put: while the object may still be 0 bytes long, its ".sizing" mark is there. */
int __wrap_region_create(struct region *r, const char *name, size_t data_size, bool force)
{
    name_mark(name);
    char sizing[NAME_MAX + 16];
    object_mark(sizing, sizeof sizing, ".sizing", name);
    int fd = open(sizing, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd != -1)
        close(fd);
    int result = __real_region_create(r, name, data_size, force);
    int saved = errno;
    unlink(sizing);
    errno = saved;
    return result;
}

/* get: an object opened while its put is still sizing it is handed on only
 * once put has sized it. */
int __wrap_shm_open(const char *name, int oflag, mode_t mode)
{
    int fd = __real_shm_open(name, oflag, mode);
    if (fd != -1 && !(oflag & O_CREAT)) {
        int saved = errno;
        char sizing[NAME_MAX + 16];
        object_mark(sizing, sizeof sizing, ".sizing", name);
        int64_t deadline = now_ms() + COPIED_WAIT_MS;
        while (access(sizing, F_OK) == 0 && now_ms() < deadline)
            sleep_ms(1);
        errno = saved;
    }
    return fd;
}

/* put has copied everything in: leave the mark, then publish. */
void __wrap_region_publish(struct region *r)
{
    int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd != -1)
        close(fd);
    __real_region_publish(r);
}

/* get has the data: the mark goes. */
int __wrap_region_await_ack(struct region *r, int timeout_ms)
{
    int result = __real_region_await_ack(r, timeout_ms);
    unlink(mark);
    return result;
}

/* get: attached; wait until put has copied everything in. */
int __wrap_region_attach(struct region *r, const char *name, int timeout_ms)
{
    int result = __real_region_attach(r, name, timeout_ms);
    if (result == 0) {
        name_mark(name);
        int64_t deadline = now_ms() + COPIED_WAIT_MS;
        while (access(mark, F_OK) != 0 && now_ms() < deadline)
            sleep_ms(1);
    }
    return result;
}

/* ---- counter: worker 0 first ---------------------------------------------- */

/* Set (in memory every worker shares) once worker 0 has died or ended. */
static atomic_bool *first_worker_done;
/* This process's place among the parent's forks: -1 in the parent, 0 in
 * worker 0, and so on. */
static int worker_index = -1;
static int forks_made;

/* fork, counting the children: each one learns its index. */
pid_t __wrap_fork(void)
{
    if (first_worker_done == NULL) {
        void *page = mmap(NULL, sizeof *first_worker_done, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page != MAP_FAILED)
            first_worker_done = page;
    }
    pid_t pid = __real_fork();
    if (pid == 0)
        worker_index = forks_made;
    else if (pid > 0)
        forks_made++;
    return pid;
}

/* Worker 0 is done: the others may lock. */
static void release_other_workers(void)
{
    if (worker_index == 0 && first_worker_done != NULL)
        atomic_store(first_worker_done, true);
}

/* A worker other than 0, at its first lock: wait until worker 0 is done. */
int __wrap_counter_lock(pthread_mutex_t *lock, bool *recovered)
{
    static bool waited;
    if (worker_index > 0 && !waited && first_worker_done != NULL) {
        waited = true;
        int64_t deadline = now_ms() + FIRST_WORKER_WAIT_MS;
        while (!atomic_load(first_worker_done) && now_ms() < deadline)
            sleep_ms(1);
    }
    return __real_counter_lock(lock, recovered);
}

/* --kill-holder: worker 0 dies with the lock held; the others lock next. */
int __wrap_raise(int signo)
{
    release_other_workers();
    return __real_raise(signo);
}

/* Worker 0 ended without dying. */
noreturn void __wrap__exit(int status)
{
    release_other_workers();
    __real__exit(status);
}
