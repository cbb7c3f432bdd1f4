/*
 * big_file_tmp - ignores SIGXFSZ and fills a file in /tmp (outside its working
 * folder) for as long as it is let, then leaves it there.
 * Class: resource abuse
 * Unprivileged: no (as the grader's own user, its files in /tmp cannot be
 * told from the grader's, so nothing removes this one)
 */
#include <fcntl.h>  /* open */
#include <signal.h> /* signal */

static void hostile(void)
{
    static char block[1 << 20];
    char path[64];
    signal(SIGXFSZ, SIG_IGN);
    memset(block, 'x', sizeof block);
    snprintf(path, sizeof path, "/tmp/hostile-big-%d.dat", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < 2048; i++)
        if (write(fd, block, sizeof block) == -1)
            break;
    close(fd);
}
