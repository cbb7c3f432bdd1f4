/*
 * shm.c - shared memory between processes: the reference solution of Lab 04.
 *
 * The contracts are in shm.h. Keep every helper you add `static`: the
 * grader accepts only the functions of shm.h as global symbols of this file.
 */
#include "oslab.h"

#include <fcntl.h>    /* O_* for shm_open */
#include <sys/mman.h> /* mmap, munmap, shm_open, shm_unlink */
#include <sys/stat.h> /* fstat, mode constants */

#include "shm.h"

/* Task 1. */
struct counter_area *counter_area_map(void)
{
    /* MAP_SHARED: after fork, parent and children see the same pages.
     * MAP_ANONYMOUS: no file behind it; the kernel gives zeroed pages. */
    void *p = mmap(NULL, sizeof(struct counter_area), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    return p;
}

/* Task 1. */
int counter_area_unmap(struct counter_area *area)
{
    /* No pthread_mutex_destroy: a worker may have died holding the lock. */
    return munmap(area, sizeof *area);
}

/* Task 2. */
int counter_lock_init(pthread_mutex_t *lock)
{
    pthread_mutexattr_t attr;
    int error = pthread_mutexattr_init(&attr);
    if (error != 0)
        return error;
    /* PROCESS_SHARED: the futex behind the mutex is keyed by the physical
     * page, not by this process's address space, so a waiter in one process
     * is woken by an unlock in another. */
    error = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    /* ROBUST: if the holder dies, the kernel hands the lock to the next
     * locker with EOWNERDEAD instead of leaving it locked for ever. */
    if (error == 0)
        error = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (error == 0)
        error = pthread_mutex_init(lock, &attr);
    pthread_mutexattr_destroy(&attr);
    return error;
}

/* Task 2. */
int counter_lock(pthread_mutex_t *lock, bool *recovered)
{
    *recovered = false;
    int error = pthread_mutex_lock(lock);
    if (error == EOWNERDEAD) {
        /* We hold the lock, but its last holder died inside the critical
         * section. Our workers change nothing there before they could die,
         * so the data is consistent: say so, or the next unlock makes the
         * mutex unusable for good (ENOTRECOVERABLE). */
        error = pthread_mutex_consistent(lock);
        if (error != 0) {
            pthread_mutex_unlock(lock);
            return error;
        }
        *recovered = true;
    }
    return error;
}

/* Record in R the mapping at P of LENGTH bytes: the header page, then the data. */
static void set_mapping(struct region *r, void *p, size_t length)
{
    r->header = p;
    r->data = (unsigned char *)p + REGION_HEADER_SIZE;
    r->length = length;
}

/* Unmap R's mapping, if any; 0 or -1 with errno. */
static int unmap_region(struct region *r)
{
    int result = 0;
    if (r->header != NULL && munmap(r->header, r->length) == -1)
        result = -1;
    r->header = NULL;
    r->data = NULL;
    r->length = 0;
    return result;
}

/* Task 3. */
int region_create(struct region *r, const char *name, size_t data_size, bool force)
{
    *r = (struct region){.header = NULL};
    snprintf(r->name, sizeof r->name, "%s", name);
    size_t length = REGION_HEADER_SIZE + data_size;

    /* O_EXCL: fail if NAME exists, so that two puts never share an object. */
    const int flags = O_RDWR | O_CREAT | O_EXCL;
    const mode_t mode = 0600; /* the owner's alone */
    int fd = shm_open(name, flags, mode);
    if (fd == -1 && errno == EEXIST && force) {
        /* If the stale object cannot be removed, the second shm_open fails
         * with EEXIST again, which says why well enough. */
        shm_unlink(name);
        fd = shm_open(name, flags, mode);
    }
    if (fd == -1)
        return -1;

    /* A new object is 0 bytes long: size it before mapping, or the first
     * write to the mapping is SIGBUS. */
    if (ftruncate(fd, (off_t)length) == -1)
        goto fail;
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        goto fail;
    /* The mapping keeps the object open; the descriptor is not needed. */
    close(fd);

    set_mapping(r, p, length);
    r->header->data_size = data_size;
    return 0;

fail:;
    /* Undo everything, keeping the errno of the call that failed. */
    int error = errno;
    close(fd);
    shm_unlink(name);
    errno = error;
    return -1;
}

/* Task 3. */
void region_publish(struct region *r)
{
    /* Release: every write before this store (the data, data_size) is
     * visible to a process that reads HANDOVER_READY with acquire. */
    atomic_store_explicit(&r->header->state, HANDOVER_READY, memory_order_release);
}

/* Task 3. */
int region_await_ack(struct region *r, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    while (atomic_load_explicit(&r->header->state, memory_order_acquire) != HANDOVER_ACKNOWLEDGED) {
        if (pause_or_give_up(deadline) == -1)
            return -1;
    }
    return 0;
}

/* Wait until the object open on FD is at least MIN_SIZE bytes long; its
 * size in *SIZE. 0, or -1 with errno. */
static int await_size(int fd, off_t min_size, int64_t deadline, off_t *size)
{
    struct stat st;
    for (;;) {
        if (fstat(fd, &st) == -1)
            return -1;
        if (st.st_size >= min_size)
            break;
        if (pause_or_give_up(deadline) == -1)
            return -1;
    }
    *size = st.st_size;
    return 0;
}

/* Task 4. */
int region_attach(struct region *r, const char *name, int timeout_ms)
{
    *r = (struct region){.header = NULL};
    snprintf(r->name, sizeof r->name, "%s", name);
    int64_t deadline = now_ms() + timeout_ms;
    int fd;
    off_t size;

    /* put may not have created it yet. */
    while ((fd = shm_open(name, O_RDWR, 0)) == -1) {
        if (errno != ENOENT || pause_or_give_up(deadline) == -1)
            return -1;
    }
    /* put creates it 0 bytes long and sizes it afterwards: wait for the
     * header page before mapping it. */
    if (await_size(fd, REGION_HEADER_SIZE, deadline, &size) == -1)
        goto fail;
    void *p = mmap(NULL, REGION_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        goto fail;
    set_mapping(r, p, REGION_HEADER_SIZE); /* the header page alone, for now */

    /* Acquire: once READY is seen, the data put wrote before it is seen too. */
    while (atomic_load_explicit(&r->header->state, memory_order_acquire) != HANDOVER_READY) {
        if (pause_or_give_up(deadline) == -1)
            goto fail;
    }
    uint64_t data_size = r->header->data_size;

    /* Never trust the header with the size: check it against the object. */
    if (await_size(fd, 0, deadline, &size) == -1)
        goto fail;
    if (data_size > (uint64_t)size || (uint64_t)size - data_size < REGION_HEADER_SIZE) {
        errno = EBADMSG;
        goto fail;
    }
    if (unmap_region(r) == -1)
        goto fail;
    size_t length = REGION_HEADER_SIZE + (size_t)data_size;
    p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        goto fail;
    close(fd);
    set_mapping(r, p, length);
    return 0;

fail:;
    int error = errno;
    unmap_region(r);
    close(fd);
    errno = error;
    return -1;
}

/* Task 4. */
void region_acknowledge(struct region *r)
{
    /* Release: get's reads of the data happen before put may unmap it. */
    atomic_store_explicit(&r->header->state, HANDOVER_ACKNOWLEDGED, memory_order_release);
}

/* Tasks 3 and 4. */
int region_release(struct region *r, bool unlink)
{
    int result = unmap_region(r);
    int error = errno;
    if (unlink && shm_unlink(r->name) == -1 && errno != ENOENT) {
        if (result == 0)
            error = errno;
        result = -1;
    }
    errno = error;
    return result;
}
