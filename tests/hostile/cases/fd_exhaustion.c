/*
 * fd_exhaustion - opens /dev/null until open() fails (EMFILE) and keeps every
 * descriptor.
 * Class: resource abuse
 * Unprivileged: yes
 */
#include <fcntl.h> /* open */

static void hostile(void)
{
    while (open("/dev/null", O_RDONLY) != -1)
        continue;
}
