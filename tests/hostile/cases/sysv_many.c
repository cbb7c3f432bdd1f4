/*
 * sysv_many - leaves 1,100 System V semaphore sets and 40 message queues,
 * more than a fixed-size list of 1,024 would hold: every one must be
 * reported and removed.
 * Class: leftovers
 * Unprivileged: yes
 */
#include <sys/ipc.h> /* IPC_PRIVATE */
#include <sys/msg.h> /* msgget */
#include <sys/sem.h> /* semget */

static void hostile(void)
{
    static bool done; /* user_name is called several times: once is enough */
    if (done)
        return;
    done = true;
    for (int i = 0; i < 1100; i++)
        if (semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) == -1) {
            perror("semget");
            break;
        }
    for (int i = 0; i < 40; i++)
        if (msgget(IPC_PRIVATE, IPC_CREAT | 0600) == -1) {
            perror("msgget");
            break;
        }
}
