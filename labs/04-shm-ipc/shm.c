/*
 * shm.c - shared memory between processes: YOUR part of Lab 04.
 *
 * Each function below is a stub: it says "not implemented" and fails.
 * Replace the stubs one task at a time (the handout, README.md, gives the
 * order, the points and the tests of each). The contracts are in shm.h.
 *
 * Keep every helper you add `static`: the grader accepts only the functions
 * of shm.h as global symbols of this file.
 */
#include "oslab.h"

#include <fcntl.h>    /* O_* for shm_open */
#include <sys/mman.h> /* mmap, munmap, shm_open, shm_unlink */
#include <sys/stat.h> /* fstat, mode constants */

#include "shm.h"

/* Say that FUNCTION is still a stub; ENOSYS in errno, and returned. */
static int not_implemented(const char *function)
{
    warn_msg("%s: not implemented (TODO in shm.c)", function);
    errno = ENOSYS;
    return ENOSYS;
}

/* Task 1. */
struct counter_area *counter_area_map(void)
{
    /* TODO: mmap sizeof(struct counter_area) bytes, readable and writable,
     * MAP_SHARED | MAP_ANONYMOUS (fd -1, offset 0). mmap fails with
     * MAP_FAILED, not NULL. */
    not_implemented("counter_area_map");
    return NULL;
}

/* Task 1. */
int counter_area_unmap(struct counter_area *area)
{
    /* TODO: munmap with the length you mapped. Do not destroy the mutex. */
    (void)area;
    not_implemented("counter_area_unmap");
    return -1;
}

/* Task 2. */
int counter_lock_init(pthread_mutex_t *lock)
{
    /* TODO: pthread_mutexattr_init; pthread_mutexattr_setpshared with
     * PTHREAD_PROCESS_SHARED; pthread_mutexattr_setrobust with
     * PTHREAD_MUTEX_ROBUST; pthread_mutex_init(lock, &attr);
     * pthread_mutexattr_destroy. pthread functions return their error. */
    (void)lock;
    return not_implemented("counter_lock_init");
}

/* Task 2. */
int counter_lock(pthread_mutex_t *lock, bool *recovered)
{
    /* TODO: pthread_mutex_lock. EOWNERDEAD means you hold the lock but its
     * holder died: pthread_mutex_consistent, *recovered = true, return 0. */
    (void)lock;
    *recovered = false;
    return not_implemented("counter_lock");
}

/* Task 3. */
int region_create(struct region *r, const char *name, size_t data_size, bool force)
{
    /* TODO: shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600) (EEXIST with
     * FORCE: shm_unlink, then again); ftruncate to REGION_HEADER_SIZE +
     * data_size; mmap all of it MAP_SHARED; close the descriptor; fill R
     * and header->data_size. On any failure after shm_open: close,
     * shm_unlink, and return -1 with the errno of the call that failed. */
    *r = (struct region){.header = NULL};
    (void)name;
    (void)data_size;
    (void)force;
    not_implemented("region_create");
    return -1;
}

/* Task 3. */
void region_publish(struct region *r)
{
    /* TODO: store HANDOVER_READY in r->header->state with
     * atomic_store_explicit(..., memory_order_release). */
    (void)r;
    not_implemented("region_publish");
}

/* Task 3. */
int region_await_ack(struct region *r, int timeout_ms)
{
    /* TODO: deadline = now_ms() + timeout_ms; until the state (loaded with
     * memory_order_acquire) is HANDOVER_ACKNOWLEDGED, call
     * pause_or_give_up(deadline) and return -1 if it does. */
    (void)r;
    (void)timeout_ms;
    not_implemented("region_await_ack");
    return -1;
}

/* Task 4. */
int region_attach(struct region *r, const char *name, int timeout_ms)
{
    /* TODO, each wait with pause_or_give_up(deadline) between looks:
     * shm_open(name, O_RDWR, 0) until it stops failing with ENOENT;
     * fstat until st_size >= REGION_HEADER_SIZE; mmap the header page;
     * wait for HANDOVER_READY (acquire); check with fstat that the object
     * holds REGION_HEADER_SIZE + data_size bytes (EBADMSG if not); unmap
     * the header page, mmap the whole object, close, fill R.
     * On failure: unmap, close, never shm_unlink. */
    *r = (struct region){.header = NULL};
    (void)name;
    (void)timeout_ms;
    not_implemented("region_attach");
    return -1;
}

/* Task 4. */
void region_acknowledge(struct region *r)
{
    /* TODO: store HANDOVER_ACKNOWLEDGED with memory_order_release. */
    (void)r;
    not_implemented("region_acknowledge");
}

/* Tasks 3 and 4. */
int region_release(struct region *r, bool unlink)
{
    /* TODO: munmap(r->header, r->length) if r->header is not NULL; then
     * header and data NULL, length 0; with UNLINK, shm_unlink(r->name)
     * (ENOENT is no error). */
    (void)r;
    (void)unlink;
    not_implemented("region_release");
    return -1;
}
