/*
 * sem_leak - creates a named semaphore (/dev/shm/sem.NAME) and never unlinks it.
 * Class: leftovers
 * Unprivileged: yes
 */
#include <fcntl.h>     /* O_CREAT */
#include <semaphore.h> /* sem_open */

static void hostile(void)
{
    char name[64];
    snprintf(name, sizeof name, "/hostile-sem-%d", (int)getpid());
    sem_t *sem = sem_open(name, O_CREAT, 0600, 1);
    if (sem != SEM_FAILED)
        sem_close(sem);
}
