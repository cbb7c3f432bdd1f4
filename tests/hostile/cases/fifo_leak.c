/*
 * fifo_leak - makes a FIFO in /tmp and leaves it there.
 * Class: leftovers
 * Unprivileged: no (as the grader's own user, its files in /tmp cannot be
 * told from the grader's)
 */
#include <sys/stat.h> /* mkfifo */

static void hostile(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/hostile-fifo-%d", (int)getpid());
    if (mkfifo(path, 0600) == -1)
        perror("hostile: mkfifo");
}
