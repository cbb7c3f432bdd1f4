/*
 * hang_sem_wait - waits on a semaphore whose value is 0 and that nobody posts.
 * Class: hangs
 * Unprivileged: yes
 */
#include <semaphore.h> /* sem_init, sem_wait */

static void hostile(void)
{
    static sem_t never_posted;
    sem_init(&never_posted, 0, 0);
    for (;;)
        sem_wait(&never_posted);
}
