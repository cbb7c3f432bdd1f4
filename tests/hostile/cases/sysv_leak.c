/*
 * sysv_leak - creates a System V shared memory segment, semaphore set and
 * message queue and never removes them.
 * Class: leftovers
 * Unprivileged: yes
 */
#include <sys/ipc.h> /* IPC_PRIVATE */
#include <sys/msg.h> /* msgget */
#include <sys/sem.h> /* semget */
#include <sys/shm.h> /* shmget */

static void hostile(void)
{
    if (shmget(IPC_PRIVATE, 1 << 16, IPC_CREAT | 0600) == -1 ||
        semget(IPC_PRIVATE, 2, IPC_CREAT | 0600) == -1 ||
        msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1)
        perror("hostile: System V object");
}
