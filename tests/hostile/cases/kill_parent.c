/*
 * kill_parent - tries to kill its parent (the grader's runner), process 1
 * and every other process it can find in /proc, then carries on as if nothing
 * happened. Under the grader's own UID every attempt must fail.
 * Class: process abuse
 * Unprivileged: no (it would kill the grader, as the unprivileged report warns)
 */
#include <dirent.h> /* opendir */
#include <signal.h> /* kill */

static void hostile(void)
{
    kill(getppid(), SIGSTOP);
    kill(getppid(), SIGKILL);
    kill(1, SIGKILL);
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        long pid = strtol(entry->d_name, NULL, 10);
        if (pid > 1 && pid != (long)getpid())
            kill((pid_t)pid, SIGKILL);
    }
    closedir(proc);
}
