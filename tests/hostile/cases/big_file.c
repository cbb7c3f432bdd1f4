/*
 * big_file - writes a 2 GB file into its working folder.
 * Class: resource abuse
 * Unprivileged: yes
 */
#include <fcntl.h> /* open */

static void hostile(void)
{
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    int fd = open("hostile-big.dat", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int i = 0; i < 2048; i++)
        if (write(fd, block, sizeof block) == -1)
            break;
    close(fd);
}
