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
 * SHMIPC_DELAY_COPY_MS=N    before the first read() of the process (put
 *   copying the file into the mapping): wait N ms, so the mapping holds
 *   zeros for that long. A put that marks the data ready before the copy
 *   hands get those zeros.
 *
 * put also leaves ordered/shmipc's mark (tests/ordered.c) once it has read
 * the whole file into the mapping, and takes it away when it exits: a get
 * run as ordered/shmipc then copies out only what put has finished writing,
 * so that a ready flag set too early does not decide test_get_waits_for_size
 * by chance (it is test_flag_after_data's concern).
 */
#include "oslab.h"

#include <fcntl.h>    /* O_CREAT, open */
#include <limits.h>   /* NAME_MAX */
#include <sys/stat.h> /* fstat */

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

/* put's mark: ".copied" then its object's name with '/' made '-' (the name
 * ordered.c's get waits for); empty until put has created its object. */
static char mark[NAME_MAX + 16];

/* At exit: put's mark goes. */
static void remove_mark(void)
{
    unlink(mark);
}

/* shm_open; for put (O_CREAT), name the mark, then the delay. */
int __wrap_shm_open(const char *name, int oflag, mode_t mode)
{
    int fd = __real_shm_open(name, oflag, mode);
    if (fd != -1 && (oflag & O_CREAT)) {
        int saved = errno;
        if (mark[0] == '\0') {
            snprintf(mark, sizeof mark, ".copied%s", name);
            for (char *p = mark; *p != '\0'; p++)
                if (*p == '/')
                    *p = '-';
            atexit(remove_mark);
        }
        sleep_ms(delay_from("SHMIPC_DELAY_CREATE_MS"));
        errno = saved;
    }
    return fd;
}

/* read, after a delay before the first one; once put has read the whole
 * file (its size when first read), it leaves the mark. */
ssize_t __wrap_read(int fd, void *buf, size_t count)
{
    static bool delayed;
    static off_t file_size = -1, file_read;
    if (!delayed) {
        delayed = true;
        sleep_ms(delay_from("SHMIPC_DELAY_COPY_MS"));
        struct stat st;
        if (fstat(fd, &st) == 0)
            file_size = st.st_size;
    }
    ssize_t n = __real_read(fd, buf, count);
    int saved = errno;
    if (n > 0 && mark[0] != '\0' && file_size != -1) {
        file_read += n;
        if (file_read >= file_size) {
            int mark_fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (mark_fd != -1)
                close(mark_fd);
            file_size = -1; /* once */
        }
    }
    errno = saved;
    return n;
}
