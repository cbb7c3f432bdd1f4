/*
 * racedelay.c - linked into shmipc-racedelay with -Wl,--wrap=shm_open and
 * -Wl,--wrap=read: the calls the lab code makes go to __wrap_*, which call
 * the real function and then hold the process back where a race with the
 * other side of the hand-over can strike. Races that a fast machine hides
 * then happen on every run. Test support, not student code.
 *
 * SHMIPC_DELAY_CREATE_MS=N  after a shm_open with O_CREAT succeeds (put):
 *   wait N ms, so the object exists, 0 bytes long, until put's ftruncate.
 *   A get that maps it without checking its size first dies of SIGBUS.
 * SHMIPC_DELAY_OPEN_MS=N    after a shm_open without O_CREAT succeeds (get):
 *   wait N ms before get goes on to fstat and mmap.
 * SHMIPC_DELAY_COPY_MS=N    before the first read() of the process (put
 *   copying the file into the mapping): wait N ms, so the mapping holds
 *   zeros for that long. A put that marks the data ready before the copy
 *   hands get those zeros.
 */
#include "oslab.h"

#include <fcntl.h> /* O_CREAT */

int __real_shm_open(const char *name, int oflag, mode_t mode);
int __wrap_shm_open(const char *name, int oflag, mode_t mode);
ssize_t __real_read(int fd, void *buf, size_t count);
ssize_t __wrap_read(int fd, void *buf, size_t count);

/* The delay in ms that the environment variable NAME asks for (0 if none). */
static long delay_from(const char *name)
{
    const char *text = getenv(name);
    long ms = 0;
    if (text == NULL || parse_long(text, 0, 60000, name, &ms, NULL, 0) == -1)
        return 0;
    return ms;
}

/* shm_open, then the delay of put (O_CREAT) or of get. */
int __wrap_shm_open(const char *name, int oflag, mode_t mode)
{
    int fd = __real_shm_open(name, oflag, mode);
    if (fd != -1) {
        int saved = errno;
        sleep_ms(delay_from((oflag & O_CREAT) ? "SHMIPC_DELAY_CREATE_MS" : "SHMIPC_DELAY_OPEN_MS"));
        errno = saved;
    }
    return fd;
}

/* read, after a delay before the first one. */
ssize_t __wrap_read(int fd, void *buf, size_t count)
{
    static bool delayed;
    if (!delayed) {
        delayed = true;
        sleep_ms(delay_from("SHMIPC_DELAY_COPY_MS"));
    }
    return __real_read(fd, buf, count);
}
