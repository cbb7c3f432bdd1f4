/*
 * procfs.c - reading processes and threads from /proc, ending a process
 * that is not our child, and watching processes end.
 *
 * The student's file (reference solution). Every function of procfs.h
 * marked STUDENT is here; helpers are static.
 *
 * /proc is a window on the kernel's live process table, not a snapshot:
 * between listing /proc and opening /proc/PID/stat the process may have
 * ended (open fails with ENOENT), and between open and read it may have
 * been reaped (read fails with ESRCH). Both only mean "gone": skip it.
 */
#include "oslab.h"

#include <dirent.h>      /* opendir, readdir */
#include <fcntl.h>       /* open */
#include <limits.h>      /* INT_MAX, LONG_MAX */
#include <poll.h>        /* poll: a pidfd is readable once its process has ended */
#include <pwd.h>         /* getpwuid_r */
#include <signal.h>      /* kill, SIGKILL */
#include <sys/syscall.h> /* SYS_pidfd_open, SYS_pidfd_send_signal */

#include "procfs.h"

enum {
    STAT_BYTES = 2048,   /* a stat line is about 300 bytes with a 64-byte name */
    STATUS_BYTES = 4096, /* Tgid and Uid are in the first lines of status */
    POLL_FALLBACK_MS = 5 /* how often to look in /proc when there is no pidfd */
};

/* Is ERR the error of a process or thread that has gone away while we read it? */
static bool vanished(int err)
{
    return err == ENOENT || err == ESRCH;
}

/* Read the file PATH into BUF (SIZE bytes, NUL-terminated, cut to fit); its length, or -1. */
static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return -1;

    size_t len = 0;
    while (len < size - 1) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            int err = errno;
            close(fd);
            errno = err;
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    close(fd);
    return (ssize_t)len;
}

/* Fail with EINVAL: TEXT is not a stat line. */
static int not_a_stat_line(void)
{
    errno = EINVAL;
    return -1;
}

/*
 * Copy the next field of *CURSOR (a single space, then the field up to the
 * next space or the end of the line) into FIELD (SIZE bytes) and move *CURSOR
 * past it. False if there is no such field or it does not fit.
 */
static bool next_field(const char **cursor, char *field, size_t size)
{
    const char *p = *cursor;
    if (*p != ' ')
        return false;
    p++;
    size_t len = strcspn(p, " \n");
    if (len == 0 || len >= size)
        return false;
    memcpy(field, p, len);
    field[len] = '\0';
    *cursor = p + len;
    return true;
}

/* Is TEXT a whole decimal number in [MIN, MAX] (parse_long: no junk, no overflow)? Into *OUT. */
static bool number_in(const char *text, long min, long max, long *out)
{
    return parse_long(text, min, max, "stat field", out, NULL, 0) == 0;
}

/* Parse TEXT, the contents of /proc/PID/stat, into *OUT; 0, or -1 with EINVAL. */
int parse_stat(const char *text, struct proc_stat *out)
{
    /* "PID (NAME) STATE PPID ...": the name may contain ") " itself, so it
     * ends at the LAST ')' of the line; no later field can contain one. */
    const char *open_paren = strchr(text, '(');
    const char *close_paren = strrchr(text, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
        return not_a_stat_line();

    /* Text from outside is checked whole, number by number (parse_long: no
     * junk, no overflow), never taken on trust. */
    char pid_text[24];
    long pid;
    size_t pid_len = (size_t)(open_paren - text); /* "1234 " */
    if (pid_len < 2 || pid_len > sizeof pid_text || text[pid_len - 1] != ' ')
        return not_a_stat_line();
    memcpy(pid_text, text, pid_len - 1);
    pid_text[pid_len - 1] = '\0';
    if (!number_in(pid_text, 1, INT_MAX, &pid))
        return not_a_stat_line();
    out->pid = (pid_t)pid;

    size_t name_len = (size_t)(close_paren - open_paren - 1);
    if (name_len >= sizeof out->comm)
        name_len = sizeof out->comm - 1;
    memcpy(out->comm, open_paren + 1, name_len);
    out->comm[name_len] = '\0';

    /* Fields 3 to 24 after the name, numbered as in proc(5), split at single spaces. */
    char fields[25][24];
    const char *cursor = close_paren + 1;
    for (int number = 3; number <= 24; number++) {
        if (!next_field(&cursor, fields[number], sizeof fields[number]))
            return not_a_stat_line();
    }
    long ppid, flags, threads, start_time, rss;
    if (fields[3][1] != '\0' ||                        /* 3 state: one letter */
        !number_in(fields[4], 0, INT_MAX, &ppid) ||    /* 4 ppid: 0 for PID 1 */
        !number_in(fields[9], 0, LONG_MAX, &flags) ||  /* 9 flags */
        !number_in(fields[20], 0, LONG_MAX, &threads) || /* 20 num_threads */
        !number_in(fields[22], 0, LONG_MAX, &start_time) || /* 22 starttime */
        !number_in(fields[24], 0, LONG_MAX, &rss))     /* 24 rss */
        return not_a_stat_line();
    out->state = fields[3][0];
    out->ppid = (pid_t)ppid;
    out->flags = (unsigned long)flags;
    out->num_threads = threads;
    out->start_time = (unsigned long long)start_time;
    out->rss_pages = rss;
    return 0;
}

/*
 * Read the "Tgid:" and "Uid:" lines of ROOT/PID/status into *TGID and *UID
 * (the effective UID, the second number, as ps shows). 0, or -1 with errno.
 */
static int read_status(const char *root, const char *pid, pid_t *tgid, uid_t *uid)
{
    char path[PATH_MAX];
    char text[STATUS_BYTES];

    snprintf(path, sizeof path, "%s/%s/status", root, pid);
    if (read_small_file(path, text, sizeof text) == -1)
        return -1;

    const char *tgid_line = strstr(text, "\nTgid:");
    const char *uid_line = strstr(text, "\nUid:");
    unsigned long real_uid, effective_uid;
    int tgid_value;
    if (tgid_line == NULL || uid_line == NULL ||
        sscanf(tgid_line, "\nTgid: %d", &tgid_value) != 1 ||
        sscanf(uid_line, "\nUid: %lu %lu", &real_uid, &effective_uid) != 2) {
        errno = EINVAL;
        return -1;
    }
    *tgid = (pid_t)tgid_value;
    *uid = (uid_t)effective_uid;
    return 0;
}

/*
 * Read ROOT/PID/cmdline into a malloc'd string, its NUL separators turned
 * into spaces; "" when it is empty (kernel threads, zombies). NULL with errno.
 */
static char *read_cmdline(const char *root, const char *pid)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s/cmdline", root, pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return NULL;

    /* A command line is as long as the arguments were (up to ARG_MAX): grow as needed. */
    size_t size = 256, len = 0;
    char *text = malloc(size);
    ssize_t n = 1;
    while (text != NULL && n != 0) {
        n = read(fd, text + len, size - 1 - len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            break; /* ESRCH: the process went while we read */
        len += (size_t)n;
        if (len == size - 1) {
            size *= 2;
            char *bigger = realloc(text, size);
            if (bigger == NULL)
                free(text);
            text = bigger;
        }
    }
    int err = errno;
    close(fd);
    if (text == NULL || n == -1) {
        free(text);
        errno = err;
        return NULL;
    }

    /* "ls\0-l\0/tmp\0" -> "ls -l /tmp": the final NUL ends the last argument;
     * one before it ends an empty argument, which shows as a space. */
    if (len > 0 && text[len - 1] == '\0')
        len--;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0')
            text[i] = ' ';
    }
    text[len] = '\0';
    return text;
}

/*
 * Read process PID (a directory name under ROOT) into *INFO. 0; 1 when it
 * is not there to be read (vanished, or a thread that is not a process's
 * main thread); -1 with errno on a real failure.
 */
static int read_process(const char *root, const char *pid, struct proc_info *info)
{
    char path[PATH_MAX];
    char text[STAT_BYTES];
    pid_t tgid;

    /* EACCES on stat or status: /proc is mounted with hidepid=1 and this
     * process is not ours to see; skip it as if it had gone. */
    snprintf(path, sizeof path, "%s/%s/stat", root, pid);
    if (read_small_file(path, text, sizeof text) == -1)
        return vanished(errno) || errno == EACCES ? 1 : -1;
    if (parse_stat(text, &info->stat) == -1)
        return 1; /* cut short: the process went while the kernel wrote it */

    if (read_status(root, pid, &tgid, &info->uid) == -1)
        return vanished(errno) || errno == EACCES || errno == EINVAL ? 1 : -1;
    if (tgid != info->stat.pid)
        return 1; /* /proc/TID exists for every thread, though readdir hides it */

    info->cmdline = read_cmdline(root, pid);
    if (info->cmdline == NULL && errno == EACCES)
        info->cmdline = strdup(""); /* hidden from us: show [name] */
    if (info->cmdline == NULL)
        return vanished(errno) ? 1 : -1;
    return 0;
}

/* Is NAME a PID, all digits (the other entries of /proc are "self", "sys", ...)? */
static bool is_pid_name(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name != '\0'; name++) {
        if (*name < '0' || *name > '9')
            return false;
    }
    return true;
}

/*
 * Call VISIT(ROOT, NAME, REQUESTED, CONTEXT) for every process REQ selects:
 * each numeric entry of ROOT, or only the requested PIDs (REQUESTED true).
 * Stops at the first -1 that VISIT returns and returns it; 0 when all were
 * visited; -1 with errno if ROOT cannot be read.
 */
static int for_each_process(const struct scan_request *req,
                            int (*visit)(const char *root, const char *name, bool requested,
                                         void *context),
                            void *context)
{
    if (req->npids > 0) {
        for (size_t i = 0; i < req->npids; i++) {
            char name[32];
            snprintf(name, sizeof name, "%d", (int)req->pids[i]);
            if (visit(req->proc_root, name, true, context) == -1)
                return -1;
        }
        return 0;
    }

    DIR *dir = opendir(req->proc_root);
    if (dir == NULL)
        return -1;
    int result = 0;
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (is_pid_name(entry->d_name) &&
            visit(req->proc_root, entry->d_name, false, context) == -1) {
            result = -1;
            break;
        }
        errno = 0; /* readdir returns NULL both at the end and on error */
    }
    if (entry == NULL && errno != 0)
        result = -1;
    int err = errno;
    closedir(dir);
    errno = err;
    return result;
}

/* VISIT for scan_processes: add one process to the proc_list CONTEXT. */
static int add_process(const char *root, const char *name, bool requested, void *context)
{
    struct proc_info info = {0};

    (void)requested; /* read_process checks the Tgid of every process anyway */
    int found = read_process(root, name, &info);
    if (found != 0)
        return found == 1 ? 0 : -1; /* gone is fine, a real error is not */
    if (proc_list_add(context, &info) == -1) {
        free(info.cmdline);
        return -1;
    }
    return 0;
}

/* Append every selected process to LIST, skipping those that vanish. 0, or -1 with errno. */
int scan_processes(const struct scan_request *req, struct proc_list *list)
{
    return for_each_process(req, add_process, list);
}

/* VISIT for scan_threads: add every thread of one process to the thread_list CONTEXT. */
static int add_threads(const char *root, const char *name, bool requested, void *context)
{
    char path[PATH_MAX];
    pid_t pid = (pid_t)strtol(name, NULL, 10); /* all digits: is_pid_name or our own "%d" */

    if (requested) {
        /* /proc/TID exists for every thread and its task/ lists the whole
         * process: a requested PID must be a process's main thread. readdir
         * of /proc shows only those, so a full scan needs no check. */
        pid_t tgid;
        uid_t uid;
        if (read_status(root, name, &tgid, &uid) == -1)
            return vanished(errno) || errno == EINVAL || errno == EACCES ? 0 : -1;
        if (tgid != pid)
            return 0;
    }

    snprintf(path, sizeof path, "%s/%s/task", root, name);
    DIR *tasks = opendir(path);
    if (tasks == NULL)
        return vanished(errno) || errno == EACCES ? 0 : -1;

    int result = 0;
    struct dirent *entry;
    while ((entry = readdir(tasks)) != NULL) {
        if (!is_pid_name(entry->d_name))
            continue;
        char text[STAT_BYTES];
        struct thread_info thread = {.pid = pid};
        snprintf(path, sizeof path, "%s/%s/task/%s/stat", root, name, entry->d_name);
        if (read_small_file(path, text, sizeof text) == -1) {
            if (vanished(errno) || errno == EACCES)
                continue; /* this thread has ended: the others are still there */
            result = -1;
            break;
        }
        if (parse_stat(text, &thread.stat) == -1)
            continue;
        if (thread_list_add(context, &thread) == -1) {
            result = -1;
            break;
        }
    }
    int err = errno;
    closedir(tasks);
    errno = err;
    return result;
}

/* Append every thread of every selected process to LIST, skipping those that vanish. */
int scan_threads(const struct scan_request *req, struct thread_list *list)
{
    return for_each_process(req, add_threads, list);
}

/* The login name of UID in NAME (LEN bytes), or UID in decimal. */
void user_name(uid_t uid, char *name, size_t len)
{
    struct passwd entry, *found = NULL;
    char buffer[4096];

    /* getpwuid_r, not getpwuid: no static buffer shared with other callers. */
    if (getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != NULL)
        snprintf(name, len, "%s", found->pw_name);
    else
        snprintf(name, len, "%lu", (unsigned long)uid);
}

/* ---- Ending and watching processes ------------------------------------------- */

/*
 * Has process PID ended, judging from /proc alone? 1 yes (gone, or a zombie
 * waiting for its parent), 0 no, -1 with errno. Only for kernels without
 * pidfd_open: a PID can be reused, a pidfd cannot.
 */
static int has_ended(pid_t pid)
{
    char path[64];
    char text[STAT_BYTES];
    struct proc_stat stat;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_small_file(path, text, sizeof text) == -1)
        return vanished(errno) ? 1 : -1;
    if (parse_stat(text, &stat) == -1)
        return 1; /* cut short while it was being reaped */
    /* A zombie with more threads is a process whose main thread has ended
     * while the others run on: not ended yet. */
    return stat.state == 'X' || (stat.state == 'Z' && stat.num_threads <= 1);
}

/*
 * Wait at most TIMEOUT_MS for process PID to end: poll its PIDFD, or look in
 * /proc every POLL_FALLBACK_MS when PIDFD is -1. 1 ended, 0 timed out, -1 with errno.
 */
static int wait_for_end(pid_t pid, int pidfd, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;

    for (;;) {
        int64_t left = deadline - now_ms();
        if (left < 0)
            left = 0;
        if (pidfd != -1) {
            /* A pidfd becomes readable when its process ends: no polling loop. */
            struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
            int ready = poll(&pfd, 1, (int)left);
            if (ready == -1 && errno == EINTR)
                continue;
            if (ready == -1)
                return -1;
            return ready; /* 1: readable, ended; 0: timed out */
        }
        int ended = has_ended(pid);
        if (ended != 0)
            return ended;
        if (left == 0)
            return 0;
        sleep_ms(left < POLL_FALLBACK_MS ? left : POLL_FALLBACK_MS);
    }
}

/* Send SIGNO to PID through PIDFD, or with kill(2) when PIDFD is -1. 0, or -1 with errno. */
static int send_signal(pid_t pid, int pidfd, int signo)
{
    if (pidfd != -1)
        return (int)syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0);
    return kill(pid, signo);
}

/* The steps of terminate_process, once the pidfd (or -1) is open. 0, or -1 with errno. */
static int end_with_escalation(pid_t pid, int pidfd, int signo, int grace_ms,
                               struct kill_report *report)
{
    if (send_signal(pid, pidfd, signo) == -1)
        return -1; /* EPERM: not ours to signal; ESRCH: gone */
    *report = (struct kill_report){.signo = signo, .escalated = false, .sent_ms = now_ms()};
    log_signal_sent(pid, signo);

    /* A signal is a request: the process ends when it has handled it, if ever. */
    int last_signo = signo;
    int ended = wait_for_end(pid, pidfd, grace_ms);
    if (ended == 0 && signo != SIGKILL) {
        /* ESRCH here means it ended in the meantime: the wait below sees it. */
        if (send_signal(pid, pidfd, SIGKILL) == -1 && errno != ESRCH)
            return -1;
        report->escalated = true;
        last_signo = SIGKILL;
        log_escalation(pid, signo, grace_ms);
    }
    if (ended == 0)
        ended = wait_for_end(pid, pidfd, KILL_WAIT_MS);
    if (ended == -1)
        return -1;
    if (ended == 0) {
        errno = ETIMEDOUT; /* e.g. stuck in the kernel (state D) */
        return -1;
    }
    report->ended_ms = now_ms();
    log_process_ended(pid, last_signo, report->ended_ms - report->sent_ms);
    return 0;
}

/* When process PID started (field 22 of its stat, clock ticks after boot); 0 if unknown. */
static unsigned long long start_time_of(pid_t pid)
{
    char path[64];
    char text[STAT_BYTES];
    struct proc_stat stat;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_small_file(path, text, sizeof text) == -1 || parse_stat(text, &stat) == -1)
        return 0;
    return stat.start_time;
}

/* End PID: SIGNO, wait GRACE_MS, then SIGKILL; log each step. 0, or -1 with errno. */
int terminate_process(pid_t pid, int signo, int grace_ms, struct kill_report *report)
{
    /* Open the pidfd first: from then on it names this process, even if it
     * ends and its PID is given to a new one. glibc has a pidfd_open()
     * wrapper only since 2.36; syscall(2) works with every version. */
    unsigned long long started = start_time_of(pid);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd == -1 && errno != ENOSYS)
        return -1; /* ESRCH: no such process */
    /* The process meant is the one that had PID when we were called. If it
     * ended and its PID went to a new process before pidfd_open, the pidfd
     * names the newcomer: its start time gives it away. */
    if (pidfd != -1 && started != 0 && start_time_of(pid) != started) {
        close(pidfd);
        errno = ESRCH;
        return -1;
    }

    int result = end_with_escalation(pid, pidfd, signo, grace_ms, report);
    int err = errno;
    if (pidfd != -1)
        close(pidfd);
    errno = err;
    return result;
}

/* Open a pidfd for PROC->pid (-1 without pidfd_open, if the process exists). 0, or -1. */
int watch_open(struct watched *proc)
{
    proc->ended = false;
    proc->pidfd = (int)syscall(SYS_pidfd_open, proc->pid, 0);
    if (proc->pidfd != -1)
        return 0;
    if (errno != ENOSYS)
        return -1; /* ESRCH: no such process */

    /* An old kernel: watch_wait will look in /proc. kill(pid, 0) sends
     * nothing; it only checks that the process exists (EPERM: it does). */
    if (kill(proc->pid, 0) == -1 && errno == ESRCH)
        return -1;
    return 0;
}

/* Mark PROC ended and log it, START_MS being when the watch began. */
static void report_end(struct watched *proc, int64_t start_ms)
{
    proc->ended = true;
    log_process_ended(proc->pid, 0, now_ms() - start_ms);
}

/*
 * Get FDS (one per watched process) ready for the next poll(2): the pidfd of
 * each process still running, -1 (which poll skips) for the others.
 * Processes without a pidfd are looked up in /proc now, and *NEED_FALLBACK
 * set if any still runs. Returns how many still run, or -1 with errno.
 */
static int prepare_poll(struct watched *procs, size_t count, struct pollfd *fds, int64_t start_ms,
                        bool *need_fallback)
{
    int running = 0;

    *need_fallback = false;
    for (size_t i = 0; i < count; i++) {
        fds[i] = (struct pollfd){.fd = -1, .events = POLLIN};
        if (procs[i].ended)
            continue;
        if (procs[i].pidfd == -1) {
            int ended = has_ended(procs[i].pid);
            if (ended == -1)
                return -1;
            if (ended == 1) {
                report_end(&procs[i], start_ms);
                continue;
            }
            *need_fallback = true;
        } else {
            fds[i].fd = procs[i].pidfd;
        }
        running++;
    }
    return running;
}

/* Wait until all have ended or TIMEOUT_MS (0: none) passed; log each end. Still running, or -1. */
int watch_wait(struct watched *procs, size_t count, int timeout_ms)
{
    int64_t start = now_ms();
    int64_t deadline = timeout_ms > 0 ? start + timeout_ms : INT64_MAX;
    struct pollfd *fds = calloc(count + 1, sizeof *fds);
    if (fds == NULL)
        return -1;

    /* One poll(2) sleeps until ANY pidfd is readable: each end is seen at once. */
    int running;
    bool need_fallback;
    while ((running = prepare_poll(procs, count, fds, start, &need_fallback)) > 0) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            break;
        int wait_ms = left > INT32_MAX ? INT32_MAX : (int)left;
        if (need_fallback && wait_ms > POLL_FALLBACK_MS)
            wait_ms = POLL_FALLBACK_MS;
        int ready = poll(fds, count, wait_ms);
        if (ready == -1 && errno != EINTR) {
            running = -1;
            break;
        }
        for (size_t i = 0; i < count && ready > 0; i++) {
            if (fds[i].revents != 0)
                report_end(&procs[i], start);
        }
    }
    int err = errno;
    free(fds);
    errno = err;
    return running;
}

/* Close the pidfds that watch_open opened. */
void watch_close(struct watched *procs, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (procs[i].pidfd != -1) {
            close(procs[i].pidfd);
            procs[i].pidfd = -1;
        }
    }
}
