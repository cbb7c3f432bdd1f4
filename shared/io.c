/*
 * io.c - I/O helpers for oslab programs.
 */
#include "oslab.h"

/* Write all LEN bytes of BUF to FD, retrying short writes and EINTR; 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len)
{
    const char *next = buf;

    while (len > 0) {
        ssize_t written = write(fd, next, len);
        if (written == -1) {
            if (errno == EINTR)
                continue; /* a signal handler ran before anything was written */
            return -1;
        }
        /* A pipe or socket may take only part of the data (a signal, a full
         * buffer): carry on with the rest. */
        next += written;
        len -= (size_t)written;
    }
    return 0;
}
