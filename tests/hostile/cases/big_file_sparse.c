/*
 * big_file_sparse - ignores SIGXFSZ and tries to make a 2 GB file without
 * writing it (ftruncate, and a write at offset 2 GB), then carries on.
 * Class: resource abuse
 * Unprivileged: yes
 */
#include <fcntl.h>  /* open */
#include <signal.h> /* signal */

static void hostile(void)
{
    signal(SIGXFSZ, SIG_IGN);
    int fd = open("hostile-sparse.dat", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (ftruncate(fd, 2L << 30) == -1 && pwrite(fd, "x", 1, 2L << 30) == -1) {
        /* refused, as it should be */
    }
    close(fd);
}
