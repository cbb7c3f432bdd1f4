/*
 * escapee_hopper - a setsid'd grandchild that keeps changing its PID: it forks
 * a copy of itself and exits, over and over, so that a PID read a moment ago
 * is already stale. The test itself finishes normally.
 * Class: process abuse
 * Unprivileged: yes
 */
#include <signal.h>   /* signal */
#include <sys/wait.h> /* waitpid */

static void hostile(void)
{
    pid_t child = fork();
    if (child == 0) {
        setsid();
        signal(SIGTERM, SIG_IGN);
        for (;;) {
            pid_t next = fork();
            if (next > 0)
                _exit(0); /* the copy goes on under a new PID */
            if (next == -1)
                pause();
        }
    }
    waitpid(child, NULL, 0);
}
