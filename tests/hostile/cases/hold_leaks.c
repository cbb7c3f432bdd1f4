/*
 * hold_leaks - keeps making things that outlive a process (POSIX shm
 * objects, named semaphores, System V shm, semaphore sets and message
 * queues), a few every 10 ms, until it is killed: used to check that a
 * grader running at the same time never takes these for its own test's.
 * Class: leftovers
 * Unprivileged: no
 */
#include <fcntl.h>     /* O_CREAT */
#include <semaphore.h> /* sem_open */
#include <sys/ipc.h>   /* IPC_PRIVATE */
#include <sys/mman.h>  /* shm_open */
#include <sys/msg.h>   /* msgget */
#include <sys/sem.h>   /* semget */
#include <sys/shm.h>   /* shmget */

static void hostile(void)
{
    for (int round = 0;; round++) {
        char name[64];
        if (round < 200) {
            snprintf(name, sizeof name, "/hostile-held-%d-%d", (int)getpid(), round);
            int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
            if (fd != -1)
                close(fd);
            snprintf(name, sizeof name, "/hostile-held-sem-%d-%d", (int)getpid(), round);
            sem_t *sem = sem_open(name, O_CREAT, 0600, 0);
            if (sem != SEM_FAILED)
                sem_close(sem);
            if (shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) == -1 ||
                semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) == -1 ||
                msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1)
                perror("hostile: System V object");
        }
        sleep_ms(10);
    }
}
