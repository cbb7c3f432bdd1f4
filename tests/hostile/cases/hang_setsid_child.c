/*
 * hang_setsid_child - starts a child in a session of its own (out of reach of
 * a signal to the test's process group) and waits for it; the child never ends.
 * Class: hangs
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
        for (;;)
            pause();
    }
    for (;;)
        waitpid(child, NULL, 0);
}
