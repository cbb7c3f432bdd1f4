/*
 * escapee - double-forks a grandchild into a session of its own that ignores
 * SIGTERM and outlives the test; the test itself finishes normally.
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
        if (fork() == 0) {
            signal(SIGTERM, SIG_IGN);
            signal(SIGHUP, SIG_IGN);
            for (;;)
                pause();
        }
        _exit(0);
    }
    waitpid(child, NULL, 0);
}
