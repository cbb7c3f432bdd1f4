/*
 * shm_dir_leak - makes a folder in /dev/shm with a file in it (an entry a
 * plain unlink cannot remove) and leaves it there.
 * Class: leftovers
 * Unprivileged: yes
 */
#include <fcntl.h>    /* open */
#include <sys/stat.h> /* mkdir */

static void hostile(void)
{
    char path[96];
    snprintf(path, sizeof path, "/dev/shm/hostile-dir-%d", (int)getpid());
    if (mkdir(path, 0700) == -1)
        return;
    snprintf(path, sizeof path, "/dev/shm/hostile-dir-%d/inside", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd != -1)
        close(fd);
}
