/*
 * kill_group - kill(0, SIGKILL): kills its own process group, the test included.
 * Class: process abuse
 * Unprivileged: yes
 */
#include <signal.h> /* kill */

static void hostile(void)
{
    kill(0, SIGKILL);
}
