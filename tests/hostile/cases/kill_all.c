/*
 * kill_all - kill(-1, SIGKILL): every process it is allowed to signal. Run by
 * root that is every process on the machine; the grader must have made it
 * an unprivileged UID of its own first.
 * Class: process abuse
 * Unprivileged: no (as the grader's own user it would kill the grader: the
 * unprivileged mode says so in its report)
 */
#include <signal.h> /* kill */

static void hostile(void)
{
    kill(-1, SIGKILL);
}
