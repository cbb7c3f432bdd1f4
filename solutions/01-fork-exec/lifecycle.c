/*
 * lifecycle.c - the life of procman's children (reference solution).
 *
 * Starting a command (fork, redirections, exec, the 127 path), starting a
 * worker, the SIGCHLD path (reaping without blocking, decoding statuses),
 * signalling a child, and ending every child with SIGTERM, then SIGKILL.
 */
#include "oslab.h"

#include <fcntl.h>    /* open, O_* */
#include <signal.h>   /* sigaction, sigprocmask, kill */
#include <sys/wait.h> /* waitpid and the W* macros */
#include <time.h>     /* clock_gettime */

#include "lifecycle.h"

/* The table the SIGCHLD handler reaps into; set once, before the handler
 * is installed, and only read after that. */
static struct child_table *reaped_table;

const char *describe_status(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by %s%s", signal_name(WTERMSIG(status)),
                 WCOREDUMP(status) ? " (core dumped)" : "");
    else if (WIFSTOPPED(status))
        snprintf(buf, len, "stopped by %s", signal_name(WSTOPSIG(status)));
    else if (WIFCONTINUED(status))
        snprintf(buf, len, "continued");
    else
        snprintf(buf, len, "wait status 0x%x", (unsigned)status);
    return buf;
}

/*
 * Block the signals procman catches (SIGCHLD, SIGINT, SIGTERM); the old mask
 * goes to *SAVED. Around fork() this closes two races: the SIGCHLD handler
 * cannot reap the new child before the parent has recorded it, and the
 * child cannot run procman's handlers before it has set them back.
 */
static int block_caught_signals(sigset_t *saved)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    return sigprocmask(SIG_BLOCK, &block, saved);
}

/* Put back the mask SAVED, keeping errno (for the error paths). */
static void restore_signal_mask(const sigset_t *saved)
{
    int saved_errno = errno;
    sigprocmask(SIG_SETMASK, saved, NULL);
    errno = saved_errno;
}

/* In a new child: the default actions for what procman catches, then the
 * mask procman had before block_caught_signals. A signal that came in
 * between is delivered now, with its default action. */
static void reset_signals_in_child(const sigset_t *saved)
{
    signal(SIGCHLD, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigprocmask(SIG_SETMASK, saved, NULL);
}

/* In a new child: open PATH with FLAGS as descriptor TARGET, or _exit(1). */
static void redirect(const char *path, int flags, int target)
{
    int fd = open(path, flags, 0644);
    if (fd == -1)
        exit_child_errno(1, "cannot open '%s'", path);
    if (fd != target) {
        if (dup2(fd, target) == -1)
            exit_child_errno(1, "dup2 '%s'", path);
        close(fd);
    }
}

/* The child's side of start_command: never returns. */
static noreturn void exec_in_child(char *const argv[], const char *in_path, const char *out_path,
                                   bool background, const sigset_t *saved)
{
    reset_signals_in_child(saved);
    if (background) {
        /* A group of its own: Ctrl-C at the terminal reaches procman only. */
        if (setpgid(0, 0) == -1)
            exit_child_errno(1, "setpgid");
        if (in_path == NULL)
            in_path = "/dev/null"; /* procman's stdin is for procman's commands */
    }
    if (in_path != NULL)
        redirect(in_path, O_RDONLY, STDIN_FILENO);
    if (out_path != NULL)
        redirect(out_path, O_WRONLY | O_CREAT | O_TRUNC, STDOUT_FILENO);
    execvp(argv[0], argv);
    /* Only reached if exec failed. _exit, not exit or return: this process
     * is a copy of procman, and must not flush procman's stdio buffers or
     * go back to procman's loop. */
    exit_child_errno(127, "cannot exec '%s'", argv[0]);
}

/* Is there a slot for one more child? If not, errno EAGAIN and the old mask back. */
static bool room_for_one(const struct child_table *table, const sigset_t *saved)
{
    if (table_room(table) > 0)
        return true;
    restore_signal_mask(saved);
    errno = EAGAIN;
    return false;
}

pid_t start_command(struct child_table *table, char *const argv[], const char *in_path,
                    const char *out_path, bool background)
{
    sigset_t saved;
    if (block_caught_signals(&saved) == -1)
        return -1;
    /* Checked before fork: a child that could not be recorded would run unseen.
     * With SIGCHLD blocked no slot can be taken meanwhile, so table_add below
     * finds the one table_room counted. */
    if (!room_for_one(table, &saved))
        return -1;
    pid_t pid = fork();
    if (pid == -1) {
        restore_signal_mask(&saved);
        return -1;
    }
    if (pid == 0)
        exec_in_child(argv, in_path, out_path, background, &saved);

    /* The parent sets the group too: whichever of the two runs first, the
     * group exists before anyone can signal it. EACCES (the child has
     * exec'd) and ESRCH (it is gone) mean the child did it already. */
    if (background)
        setpgid(pid, pid);
    table_add(table, pid, CHILD_COMMAND, argv, background); /* a slot is free: see above */
    /* Only now may SIGCHLD be handled: the child is in the table. */
    restore_signal_mask(&saved);
    return pid;
}

pid_t start_worker(struct child_table *table, int lifetime_ms)
{
    sigset_t saved;
    if (block_caught_signals(&saved) == -1)
        return -1;
    if (!room_for_one(table, &saved))
        return -1;
    pid_t pid = fork();
    if (pid == -1) {
        restore_signal_mask(&saved);
        return -1;
    }
    if (pid == 0) {
        reset_signals_in_child(&saved);
        if (setpgid(0, 0) == -1)
            exit_child_errno(1, "setpgid");
        /* _exit: the worker's copy of procman's stdio buffers holds procman's
         * unwritten output, which exit() would print a second time. */
        _exit(worker_main(lifetime_ms));
    }
    setpgid(pid, pid);
    table_add(table, pid, CHILD_WORKER, NULL, true);
    restore_signal_mask(&saved);
    return pid;
}

/*
 * now_ms() for the SIGCHLD handler: clock_gettime is async-signal-safe, but
 * now_ms() calls exit() (which is not) if the clock is missing. Here a
 * missing clock, which Linux always has, gives 0.
 */
static int64_t handler_now_ms(void)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
        return 0;
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int reap_children(struct child_table *table)
{
    int changes = 0;
    for (;;) {
        int status;
        /* WNOHANG: return 0 at once if no child has changed; never wait for
         * one that is still running. WUNTRACED, WCONTINUED: stops and
         * continues are changes too. */
        pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED);
        if (pid == 0)
            break; /* children left, none changed */
        if (pid == -1) {
            if (errno == EINTR)
                continue;
            if (errno == ECHILD)
                break; /* no children at all */
            return -1;
        }
        struct child *child = table_find(table, pid);
        if (child != NULL) {
            if (WIFSTOPPED(status)) {
                child->state = CHILD_STOPPED;
            } else if (WIFCONTINUED(status)) {
                child->state = CHILD_RUNNING;
            } else {
                child->status = status;
                child->ended_ms = handler_now_ms();
                child->state = CHILD_ENDED; /* last: table_find no longer sees it */
            }
        }
        table_push_event(table, pid, status, child);
        changes++;
    }
    return changes;
}

/* SIGCHLD: reap into the table, then wake the main program's poll(). */
static void on_sigchld(int signo)
{
    (void)signo;
    int saved_errno = errno; /* waitpid may change errno under the main program */
    reap_children(reaped_table);
    table_wake(reaped_table);
    errno = saved_errno;
}

int install_sigchld_handler(struct child_table *table)
{
    reaped_table = table;
    /* No SA_NOCLDSTOP: stops and continues raise SIGCHLD too, for the log.
     * SA_RESTART: a read() the signal interrupts goes on by itself. */
    struct sigaction action = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART};
    sigemptyset(&action.sa_mask);
    return sigaction(SIGCHLD, &action, NULL);
}

int signal_child(struct child_table *table, pid_t pid, int signo)
{
    /* With SIGCHLD blocked the child cannot be reaped between the check and
     * kill(), so PID cannot have been reused by another process meanwhile:
     * an unreaped child, even a zombie, keeps its PID. */
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &block, &saved) == -1)
        return -1;
    int result = -1;
    struct child *child = table_find(table, pid);
    if (child == NULL) {
        errno = ESRCH; /* not ours, or already ended */
    } else if (kill(pid, signo) == 0) {
        log_signal_sent(table, child, signo);
        result = 0;
    }
    restore_signal_mask(&saved);
    return result;
}

/*
 * Send SIGNO to every live child of TABLE, and SIGCONT after it to a stopped
 * one; returns how many got SIGNO. SIGCHLD stays blocked while the table is
 * read (children.h's rule): no slot changes between the look and the kill.
 */
static int signal_all(struct child_table *table, int signo)
{
    sigset_t saved;
    block_sigchld(&saved);
    int sent = 0;
    for (size_t i = 0; i < table->capacity; i++) {
        const struct child *child = &table->slots[i];
        if (child->state != CHILD_RUNNING && child->state != CHILD_STOPPED)
            continue;
        bool stopped = child->state == CHILD_STOPPED;
        if (signal_child(table, child->pid, signo) == 0) {
            sent++;
            /* A stopped process keeps SIGTERM pending until it runs again. */
            if (stopped && signo != SIGKILL)
                signal_child(table, child->pid, SIGCONT);
        }
    }
    restore_mask(&saved);
    return sent;
}

int terminate_children(struct child_table *table, int grace_ms)
{
    signal_all(table, SIGTERM);
    /* A second SIGINT/SIGTERM (WAIT_SHUTDOWN) cuts the grace period short. */
    if (wait_for_children(table, 0, grace_ms) == WAIT_DONE)
        return 0;
    int killed = signal_all(table, SIGKILL);
    /* SIGKILL cannot be caught or ignored: wait until every end is reaped,
     * whatever signal comes to procman meanwhile. */
    while (wait_for_children(table, 0, -1) != WAIT_DONE)
        shutdown_signal = 0; /* already shutting down: nothing more to do for it */
    return killed;
}
