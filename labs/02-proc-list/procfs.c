/*
 * procfs.c - reading processes and threads from /proc, ending a process
 * that is not our child, and watching processes end.
 *
 * YOUR FILE. Implement every function below; their contracts are in
 * procfs.h and the handout (README.md) walks through each task. Keep your
 * helpers `static`: only the functions of procfs.h may be global.
 *
 * /proc is a window on the kernel's live process table, not a snapshot:
 * between listing /proc and opening /proc/PID/stat the process may have
 * ended (open fails with ENOENT), and between open and read it may have
 * been reaped (read fails with ESRCH). Both only mean "gone": skip it.
 */
#include "oslab.h"

#include <dirent.h>      /* opendir, readdir */
#include <fcntl.h>       /* open */
#include <poll.h>        /* poll: a pidfd is readable once its process has ended */
#include <pwd.h>         /* getpwuid_r */
#include <signal.h>      /* kill, SIGKILL */
#include <sys/syscall.h> /* SYS_pidfd_open, SYS_pidfd_send_signal */

#include "procfs.h"

/* Report that FUNCTION is still a TODO: a message, and errno ENOSYS for the caller. */
static void not_implemented(const char *function)
{
    warn_msg("%s: not implemented (TODO in procfs.c)", function);
    errno = ENOSYS;
}

/* Task 1. Parse TEXT, the contents of /proc/PID/stat, into *OUT; 0, or -1 with EINVAL. */
int parse_stat(const char *text, struct proc_stat *out)
{
    /* TODO: the name runs from the first '(' to the LAST ')' (strrchr);
     * then fields 3 to 24, numbered as in proc(5), separated by single
     * spaces: parse each number whole (parse_long, oslab.h), or sscanf. */
    (void)text;
    (void)out;
    not_implemented("parse_stat");
    return -1;
}

/* Task 2. Append every selected process to LIST, skipping those that vanish. 0, or -1. */
int scan_processes(const struct scan_request *req, struct proc_list *list)
{
    /* TODO: opendir(req->proc_root) and readdir the numeric entries (or
     * visit only req->pids); read PID/stat, PID/status and PID/cmdline
     * (whole, however long: grow the buffer; drop its last NUL, turn the
     * others into spaces); ENOENT and ESRCH mean the process has gone: skip it. */
    (void)req;
    (void)list;
    not_implemented("scan_processes");
    return -1;
}

/* Task 3. Append every thread of every selected process to LIST. 0, or -1 with errno. */
int scan_threads(const struct scan_request *req, struct thread_list *list)
{
    /* TODO: for each selected process, readdir PID/task and read
     * PID/task/TID/stat; threads vanish too. */
    (void)req;
    (void)list;
    not_implemented("scan_threads");
    return -1;
}

/* Task 4. The login name of UID in NAME (LEN bytes), or UID in decimal. */
void user_name(uid_t uid, char *name, size_t len)
{
    /* TODO: getpwuid_r; fall back to the number. */
    (void)uid;
    not_implemented("user_name");
    snprintf(name, len, "?");
}

/* Task 5. End PID: SIGNO, wait GRACE_MS, then SIGKILL; log each step. 0, or -1 with errno. */
int terminate_process(pid_t pid, int signo, int grace_ms, struct kill_report *report)
{
    /* TODO: syscall(SYS_pidfd_open, pid, 0); send the signal; poll the
     * pidfd for at most GRACE_MS; escalate; log_* each step as it happens.
     * Task 7: without pidfd_open (ENOSYS), kill(2) and look in /proc. */
    (void)pid;
    (void)signo;
    (void)grace_ms;
    (void)report;
    not_implemented("terminate_process");
    return -1;
}

/* Task 6. Open a pidfd for PROC->pid, or -1 without pidfd_open. 0, or -1 with errno. */
int watch_open(struct watched *proc)
{
    /* TODO: syscall(SYS_pidfd_open, proc->pid, 0). Task 7: on ENOSYS,
     * check that the process exists (kill(pid, 0): ESRCH means it does not,
     * EPERM that it does; watching needs no permission) and leave pidfd at -1. */
    proc->pidfd = -1;
    not_implemented("watch_open");
    return -1;
}

/* Task 6. Wait until every process has ended or TIMEOUT_MS; log each end. Still running, or -1. */
int watch_wait(struct watched *procs, size_t count, int timeout_ms)
{
    /* TODO: one poll(2) over every pidfd still open, with the time left as
     * its timeout; log_process_ended the moment one becomes readable. */
    (void)procs;
    (void)count;
    (void)timeout_ms;
    not_implemented("watch_wait");
    return -1;
}

/* Task 6. Close the pidfds that watch_open opened. */
void watch_close(struct watched *procs, size_t count)
{
    /* TODO: close every pidfd that is not -1. */
    (void)procs;
    (void)count;
}
