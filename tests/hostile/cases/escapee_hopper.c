/*
 * escapee_hopper - a setsid'd grandchild that keeps changing its PID: it forks
 * a copy of itself and exits, over and over, so that a PID read a moment ago
 * is already stale (every 5 ms). The test itself finishes normally.
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
            /* Every hop leaves a zombie that only the grader may reap: at
             * full speed they would fill the process limit before the test
             * ends, and the test would fail on its own fork instead. */
            sleep_ms(5);
        }
    }
    waitpid(child, NULL, 0);
}
