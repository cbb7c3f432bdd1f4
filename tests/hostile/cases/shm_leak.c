/*
 * shm_leak - creates a POSIX shared memory object and never unlinks it.
 * Class: leftovers
 * Unprivileged: yes
 */
#include <fcntl.h>    /* O_CREAT */
#include <sys/mman.h> /* shm_open */

static void hostile(void)
{
    char name[64];
    snprintf(name, sizeof name, "/hostile-shm-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    if (fd != -1 && ftruncate(fd, 1 << 20) == 0)
        close(fd);
}
