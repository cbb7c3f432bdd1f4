/*
 * mqueue_leak - creates a POSIX message queue (/dev/mqueue) and never unlinks it.
 * Class: leftovers
 * Unprivileged: no (as the grader's own user, /dev/mqueue is not swept)
 */
#include <fcntl.h>  /* O_CREAT */
#include <mqueue.h> /* mq_open */

static void hostile(void)
{
    char name[64];
    snprintf(name, sizeof name, "/hostile-mq-%d", (int)getpid());
    mqd_t queue = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
    if (queue != (mqd_t)-1)
        mq_close(queue);
}
