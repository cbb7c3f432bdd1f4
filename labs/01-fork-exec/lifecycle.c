/*
 * lifecycle.c - the life of procman's children: YOUR part of Lab 01.
 *
 * Each function below is a stub: it says "not implemented" and fails.
 * Replace the stubs one task at a time (the handout, README.md, gives the
 * order, the points and the tests of each). The contracts are in
 * lifecycle.h; the rule about SIGCHLD and the table is in children.h.
 *
 * Keep every helper you add `static`: the grader accepts only the functions
 * of lifecycle.h as global symbols of this file.
 */
#include "oslab.h"

#include <fcntl.h>    /* open, O_* */
#include <signal.h>   /* sigaction, sigprocmask, kill */
#include <sys/wait.h> /* waitpid and the W* macros */

#include "lifecycle.h"

/* Say that FUNCTION is still a stub, and fail with ENOSYS. */
static int not_implemented(const char *function)
{
    warn_msg("%s: not implemented (TODO in lifecycle.c)", function);
    errno = ENOSYS;
    return -1;
}

/* Task 1. */
const char *describe_status(int status, char *buf, size_t len)
{
    /* TODO: decode STATUS with WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG
     * (and WCOREDUMP), WIFSTOPPED/WSTOPSIG, WIFCONTINUED, in the formats
     * of lifecycle.h. Check WIFEXITED before you read WEXITSTATUS. */
    (void)status;
    not_implemented("describe_status");
    snprintf(buf, len, "describe_status: not implemented");
    return buf;
}

/* Task 2. */
int reap_children(struct child_table *table)
{
    /* TODO: loop on waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)
     * until it returns 0 (nothing more now) or -1 with ECHILD (no children).
     * For each PID: table_find, update the slot (state; for an end also
     * status and ended_ms, state last), then table_push_event.
     * This runs in a signal handler: no printf, no malloc, no evlog. */
    (void)table;
    return not_implemented("reap_children");
}

/* Task 2. */
int install_sigchld_handler(struct child_table *table)
{
    /* TODO: remember TABLE in a static variable; install with sigaction a
     * handler that saves errno, calls reap_children and table_wake, and
     * restores errno. Do not use SA_NOCLDSTOP: stops must be reported. */
    (void)table;
    return not_implemented("install_sigchld_handler");
}

/* Task 3. */
pid_t start_command(struct child_table *table, char *const argv[], const char *in_path,
                    const char *out_path, bool background)
{
    /* TODO, in the parent: block SIGCHLD, SIGINT and SIGTERM (sigprocmask),
     * check table_room (0: restore the mask, errno = EAGAIN, return -1),
     * fork, record the child with table_add (and setpgid(pid, pid) for a
     * background child), then restore the old mask.
     * In the child: SIG_DFL for SIGCHLD, SIGINT and SIGTERM, the old mask
     * back, setpgid(0, 0) if BACKGROUND, the redirections (open + dup2 +
     * close; /dev/null for a background child's stdin; if open fails:
     * exit_child_errno(1, "cannot open '%s'", path)), execvp, and if that
     * returns: exit_child_errno(127, "cannot exec '%s'", argv[0]). */
    (void)table;
    (void)argv;
    (void)in_path;
    (void)out_path;
    (void)background;
    return not_implemented("start_command");
}

/* Task 4. */
pid_t start_worker(struct child_table *table, int lifetime_ms)
{
    /* TODO: like start_command, but the child runs worker_main(lifetime_ms)
     * instead of exec, in a process group of its own, and ends with
     * _exit(what worker_main returned), never exit(). */
    (void)table;
    (void)lifetime_ms;
    return not_implemented("start_worker");
}

/* Task 5. */
int signal_child(struct child_table *table, pid_t pid, int signo)
{
    /* TODO: with SIGCHLD blocked, table_find(table, pid); if it is not a
     * live child, fail with errno = ESRCH; else kill(pid, signo) and
     * log_signal_sent. Restore the mask (and keep errno) before returning. */
    (void)table;
    (void)pid;
    (void)signo;
    return not_implemented("signal_child");
}

/* Task 6. */
int terminate_children(struct child_table *table, int grace_ms)
{
    /* TODO: SIGTERM to every live child (SIGCONT after it to a stopped one),
     * each sent with signal_child, which logs it ("kill PID COMMAND: SIGTERM":
     * the tests read those lines); read the slots with SIGCHLD blocked
     * (block_sigchld, restore_mask). wait_for_children(table, 0, grace_ms);
     * if they have not all ended, SIGKILL to the rest and wait_for_children
     * until WAIT_DONE (on WAIT_SHUTDOWN: shutdown_signal = 0, wait again).
     * Return how many needed SIGKILL. */
    (void)table;
    (void)grace_ms;
    return not_implemented("terminate_children");
}
