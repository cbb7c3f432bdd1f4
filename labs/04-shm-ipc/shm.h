/*
 * shm.h - shared memory between processes: what you write in shm.c.
 *
 * Two uses of shared memory, one header:
 *   - the counter (`shmipc counter`): an anonymous MAP_SHARED mapping that
 *     forked workers inherit, holding a counter and a process-shared,
 *     robust mutex;
 *   - the hand-over (`shmipc put` / `shmipc get`): a named POSIX shared
 *     memory object (/dev/shm/NAME) holding a header page, then the data.
 *
 * The given code (counter.c, handover.c, main.c) calls these functions and
 * so do the graded tests, directly: keep to these contracts exactly.
 */
#ifndef SHM_H
#define SHM_H

#include "oslab.h"

#include <limits.h>    /* NAME_MAX */
#include <pthread.h>   /* pthread_mutex_t */
#include <stdatomic.h> /* _Atomic */

/* ---- The counter ----------------------------------------------------------- */

enum { MAX_WORKERS = 64 };

/*
 * What the counter's workers share. The rules:
 *   value        racy and mutex modes; in mutex mode only with `lock` held
 *   atomic_value atomic mode: atomic_fetch_add only
 *   completed[i] written by worker i alone, read by the parent after wait
 *   recovered_by under `lock`: which worker made the lock consistent after
 *                its holder died (-1 none yet, MAX_WORKERS the parent)
 */
struct counter_area {
    pthread_mutex_t lock;
    volatile long long value;
    _Atomic long long atomic_value;
    long long completed[MAX_WORKERS];
    int recovered_by;
};

/*
 * Map a new struct counter_area that every process forked afterwards shares
 * with the caller: anonymous, MAP_SHARED, readable and writable, exactly
 * sizeof(struct counter_area) bytes, all bytes 0 (as mmap gives them).
 * Returns it, or NULL with errno from mmap.
 */
struct counter_area *counter_area_map(void);

/*
 * Unmap AREA (from counter_area_map): munmap with the same length. The
 * mutex in it is not destroyed: a process that died holding it may have
 * left it in any state. 0, or -1 with errno.
 */
int counter_area_unmap(struct counter_area *area);

/*
 * Initialise LOCK, which lies in memory shared between processes, as a
 * mutex that works across processes (PTHREAD_PROCESS_SHARED) and survives
 * the death of its holder (PTHREAD_MUTEX_ROBUST), through a
 * pthread_mutexattr_t that is destroyed again before returning.
 * Returns 0, or the error number a pthread function returned (not errno).
 */
int counter_lock_init(pthread_mutex_t *lock);

/*
 * Lock LOCK (from counter_lock_init). If its previous holder died holding
 * it (pthread_mutex_lock returns EOWNERDEAD), make it consistent again
 * (pthread_mutex_consistent), set *RECOVERED to true, and return 0 with the
 * lock held; otherwise *RECOVERED is false. Returns 0 with the lock held,
 * or the error number of the call that failed (lock not held).
 */
int counter_lock(pthread_mutex_t *lock, bool *recovered);

/* ---- The hand-over ---------------------------------------------------------- */

/* Where the hand-over stands: region_header.state. */
enum handover_state {
    HANDOVER_EMPTY = 0,        /* created, the data not yet copied in */
    HANDOVER_READY = 1,        /* put: every data byte and data_size are written */
    HANDOVER_ACKNOWLEDGED = 2, /* get: the data has been copied out */
};

/* The first page of the object; the data starts one page in. */
enum { REGION_HEADER_SIZE = 4096 };

/* The header at the start of the object. data_size is written by put
 * before it publishes HANDOVER_READY and read by get only after it has
 * seen HANDOVER_READY. */
struct region_header {
    _Atomic int state;  /* enum handover_state */
    uint64_t data_size; /* bytes of data after the header page */
};

/* One process's view of a named object. Owned by that process. */
struct region {
    char name[NAME_MAX + 2];      /* "/NAME", as given */
    struct region_header *header; /* the start of the mapping, or NULL */
    unsigned char *data;          /* header + REGION_HEADER_SIZE bytes */
    size_t length;                /* bytes mapped: REGION_HEADER_SIZE + data_size */
};

/*
 * put: create the shared memory object NAME (shm_open with O_CREAT | O_EXCL,
 * mode 0600), size it to REGION_HEADER_SIZE + DATA_SIZE bytes (ftruncate),
 * map all of it MAP_SHARED for reading and writing, set header->data_size,
 * close the descriptor, and fill R. The state stays HANDOVER_EMPTY.
 * An object NAME that already exists: with FORCE, unlink it and create a
 * new one; without, fail with EEXIST and leave it alone.
 * Returns 0, or -1 with errno; on failure nothing created stays behind
 * (no object, no mapping, no descriptor) and r->header is NULL.
 */
int region_create(struct region *r, const char *name, size_t data_size, bool force);

/*
 * put: mark R's data ready for get: HANDOVER_READY, stored with release
 * order, after every data byte has been written (the caller's job).
 */
void region_publish(struct region *r);

/*
 * put: wait until get has set HANDOVER_ACKNOWLEDGED (read with acquire
 * order), at most TIMEOUT_MS milliseconds, between looks calling
 * pause_or_give_up (given). Returns 0 once acknowledged, or -1 with errno
 * ETIMEDOUT after TIMEOUT_MS, EINTR after SIGINT or SIGTERM.
 */
int region_await_ack(struct region *r, int timeout_ms);

/*
 * get: open the existing object NAME and map it, waiting up to TIMEOUT_MS
 * in all (pause_or_give_up between looks) until: NAME exists (shm_open
 * with O_RDWR fails with ENOENT until then); it is at least
 * REGION_HEADER_SIZE bytes long (fstat: touching a mapping past the end of
 * the object is SIGBUS); its state is HANDOVER_READY (read with acquire
 * order). Then it checks, before touching the data, that the object holds at
 * least REGION_HEADER_SIZE + header->data_size bytes (else EBADMSG; a larger
 * object is fine), maps all of them MAP_SHARED for reading and writing,
 * closes the descriptor and fills R.
 * Returns 0, or -1 with errno: ETIMEDOUT, EINTR (SIGINT, SIGTERM),
 * EBADMSG, or that of the call that failed. On failure no mapping and no
 * descriptor stays behind, and NAME is not unlinked. R is output only:
 * what it held before the call is ignored.
 */
int region_attach(struct region *r, const char *name, int timeout_ms);

/*
 * get: tell put that the data has been copied out: HANDOVER_ACKNOWLEDGED,
 * stored with release order.
 */
void region_acknowledge(struct region *r);

/*
 * Both: unmap R's mapping (munmap with the length mapped; nothing if
 * header is NULL), then with UNLINK remove NAME (shm_unlink; an object
 * already gone, ENOENT, is no error). Leaves R with header and data NULL
 * and length 0, even when munmap fails.
 * Returns 0, or -1 with errno of the first call that failed (the others
 * are still made).
 */
int region_release(struct region *r, bool unlink);

/* ---- Given (handover.c): waiting that gives up --------------------------- */

/*
 * Sleep a little (at most a millisecond) and return 0; or return -1 with
 * errno ETIMEDOUT if the monotonic clock (now_ms) has passed DEADLINE_MS,
 * EINTR if SIGINT or SIGTERM has arrived. The loop of every wait in shm.c.
 */
int pause_or_give_up(int64_t deadline_ms);

#endif /* SHM_H */
