/*
 * isolate.c - isolated mode: each test runs in new PID, IPC and mount
 * namespaces (and, for an ordinary user, a user namespace that maps only
 * the user's own UID), under a small init of the kit's own as PID 1.
 *
 * The init, forked from the runner (kit code, never exec'd), sets up:
 *   - private tmpfs on /tmp, /var/tmp, /run/lock and /dev/shm, a new mqueue
 *     file system (of the new IPC namespace) and a fresh /proc; the folders
 *     the test needs (its working folder, the test binary's, the program's)
 *     stay reachable at their paths even when they lie in /tmp;
 *   - every other mount read-only, so that the test can change nothing of
 *     the machine but its working folder and the private mounts;
 * then forks the test (which is not PID 1, so its own raise(SIGTERM) or
 * abort() ends it as anywhere else), forwards SIGTERM to it, and when the
 * test's process ends reports to the runner, over a pipe the test never
 * holds: how it ended, and what it left (processes still running, zombies,
 * entries of the private folders, System V objects and message queues of
 * its IPC namespace). When the init exits the kernel kills whatever is left
 * in the namespace, and the private mounts and IPC objects vanish with it.
 */
#include "runner.h"

#include <dirent.h>       /* fdopendir */
#include <fcntl.h>        /* open, O_* */
#include <linux/capability.h> /* capset: the test keeps no capability */
#include <poll.h>         /* poll */
#include <sched.h>        /* CLONE_NEW* */
#include <signal.h>       /* sigprocmask, kill */
#include <sys/mount.h>    /* mount */
#include <sys/prctl.h>    /* PR_SET_PDEATHSIG */
#include <sys/signalfd.h> /* signalfd: SIGTERM in the init's poll loop */
#include <sys/stat.h>     /* mkdir, fstat */
#include <sys/syscall.h>  /* SYS_clone, SYS_pidfd_open, SYS_mount_setattr */
#include <sys/wait.h>     /* waitpid */

#include "verdict.h"

#define REPORT_LINES_MAX 100 /* names listed per kind; the totals always come */

/* mount_setattr's argument (not in every C library's headers yet). */
struct ot_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#define OT_MOUNT_ATTR_RDONLY 0x1u
#define OT_AT_RECURSIVE 0x8000

/* The private folders, in the order they are mounted. */
static const char *const private_dirs[] = {"/tmp", "/var/tmp", "/run/lock", "/dev/shm"};
enum { N_PRIVATE = sizeof private_dirs / sizeof private_dirs[0] };

/* The init's end of the report pipe. */
static int report_fd = -1;

/* Write printf-style text to the report; the runner reads it. */
OSLAB_PRINTF(1, 2)
static void say(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0 && write_all(report_fd, line, strlen(line)) == -1)
        _exit(1);
}

/* In the init before the test runs: report what failed and end. */
OSLAB_PRINTF(1, 2)
static noreturn void init_failed(const char *fmt, ...)
{
    int saved_errno = errno;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    text_scrub(what, false);
    say("error %s: %s\n", what, strerror(saved_errno));
    _exit(1);
}

/* Write TEXT to the file PATH; false on failure. */
static bool put_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd == -1)
        return false;
    bool ok = write_all(fd, text, strlen(text)) == 0;
    return close(fd) == 0 && ok;
}

/* Make the folders of PATH that are missing (mode 0755). */
static void make_path(const char *path)
{
    char partial[PATH_MAX];
    snprintf(partial, sizeof partial, "%s", path);
    for (char *slash = strchr(partial + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash != NULL)
            *slash = '\0';
        if (mkdir(partial, 0755) == -1 && errno != EEXIST)
            init_failed("mkdir %s", partial);
        if (slash == NULL)
            break;
        *slash = '/';
    }
}

/* Set or clear (SET false) read-only on the mount at PATH (RECURSIVE: and
 * every mount under it); false where the kernel has no mount_setattr. */
static bool read_only(const char *path, bool set, bool recursive)
{
#ifdef SYS_mount_setattr
    struct ot_mount_attr attr = {0};
    if (set)
        attr.attr_set = OT_MOUNT_ATTR_RDONLY;
    else
        attr.attr_clr = OT_MOUNT_ATTR_RDONLY;
    return syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? OT_AT_RECURSIVE : 0, &attr,
                   sizeof attr) == 0;
#else
    (void)path, (void)set, (void)recursive;
    errno = ENOSYS;
    return false;
#endif
}

/* ---- Setting up the namespaces ------------------------------------------------- */

/* A user namespace maps only our own UID and GID, to themselves: the test
 * sees the same IDs as outside (lab 02 reads them from /proc). */
static void map_own_ids(const struct sandbox *sb)
{
    char map[64];
    if (!put_file("/proc/self/setgroups", "deny"))
        init_failed("write /proc/self/setgroups");
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)sb->uid, (unsigned)sb->uid);
    if (!put_file("/proc/self/uid_map", map))
        init_failed("write /proc/self/uid_map");
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)sb->gid, (unsigned)sb->gid);
    if (!put_file("/proc/self/gid_map", map))
        init_failed("write /proc/self/gid_map");
}

/* Is PATH inside the folder DIR? */
static bool inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The mounts: private folders, the job's folders kept, read-only elsewhere,
 * message queues, /proc. MQUEUE_FD gets a view of the queues for the report. */
static void set_up_mounts(const struct job *job, int *mqueue_fd)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        init_failed("make the mounts private");
    /* /dev/shm first: the job's folders wait there while the others are
     * covered, then move back to their paths. */
    if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == -1)
        init_failed("mount a tmpfs on /dev/shm");
    /* The working folder and the job's other folders, each once, none
     * inside another (the bind of the outer one brings it along). */
    const char *wanted[5] = {job->workdir}, *keep[5];
    size_t n_wanted = 1, n_keep = 0;
    for (size_t i = 0; i < 4 && job->keep_dirs[i] != NULL; i++)
        wanted[n_wanted++] = job->keep_dirs[i];
    for (size_t i = 0; i < n_wanted; i++) {
        bool covered = false;
        for (size_t j = 0; j < n_wanted && !covered; j++)
            covered = j != i && inside(wanted[i], wanted[j]) &&
                      (strcmp(wanted[i], wanted[j]) != 0 || j < i);
        if (!covered)
            keep[n_keep++] = wanted[i];
    }
    char staged[5][64];
    for (size_t i = 0; i < n_keep; i++) {
        snprintf(staged[i], sizeof staged[i], "/dev/shm/.oslab-keep-%zu", i);
        if (mkdir(staged[i], 0700) == -1 ||
            mount(keep[i], staged[i], NULL, MS_BIND | MS_REC, NULL) == -1)
            init_failed("keep %s reachable", keep[i]);
    }
    for (int d = 0; d < N_PRIVATE - 1; d++) {
        struct stat st;
        if (stat(private_dirs[d], &st) == -1)
            continue; /* no /run/lock here: nothing to cover */
        if (mount("tmpfs", private_dirs[d], "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == -1)
            init_failed("mount a tmpfs on %s", private_dirs[d]);
    }
    for (size_t i = 0; i < n_keep; i++) {
        make_path(keep[i]);
        if (mount(staged[i], keep[i], NULL, MS_MOVE, NULL) == -1)
            init_failed("move %s back", keep[i]);
        rmdir(staged[i]);
    }
    /* Everything read-only, then writable again: the private folders and
     * the working folder (the test binary's and the program's stay
     * read-only). A kernel without mount_setattr (before 5.12) skips this. */
    if (read_only("/", true, true)) {
        for (int d = 0; d < N_PRIVATE; d++) {
            struct stat st;
            if (stat(private_dirs[d], &st) == 0 && !read_only(private_dirs[d], false, false))
                init_failed("make %s writable", private_dirs[d]);
        }
        if (mount(job->workdir, job->workdir, NULL, MS_BIND, NULL) == -1 ||
            !read_only(job->workdir, false, false))
            init_failed("make %s writable", job->workdir);
    } else if (errno != ENOSYS) {
        init_failed("make the file systems read-only");
    }
    /* The message queues of the new IPC namespace: at /dev/mqueue where the
     * system has one, and a view only the init holds (mounted, opened,
     * detached) to list them whatever the system has. */
    struct stat st;
    if (stat("/dev/mqueue", &st) == 0 &&
        mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
        init_failed("mount /dev/mqueue");
    const char *view = "/dev/shm/.oslab-mqueue";
    if (mkdir(view, 0700) == -1 || mount("mqueue", view, "mqueue", 0, NULL) == -1)
        init_failed("mount a view of the message queues");
    *mqueue_fd = open(view, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*mqueue_fd == -1 || umount2(view, MNT_DETACH) == -1 || rmdir(view) == -1)
        init_failed("detach the view of the message queues");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
        init_failed("mount a fresh /proc");
}

/* ---- What was left --------------------------------------------------------------- */

/* A list of paths (a snapshot of the private folders). */
struct paths {
    char **items;
    size_t count, cap;
};

static void paths_add(struct paths *list, const char *path)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? 2 * list->cap : 64;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (list->items == NULL)
            init_failed("out of memory");
    }
    if ((list->items[list->count++] = strdup(path)) == NULL)
        init_failed("out of memory");
}

static bool paths_has(const struct paths *list, const char *path)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], path) == 0)
            return true;
    return false;
}

/* Add every entry under the folder open as FD (PATH), on device DEV only
 * (the kept folders are other mounts), to LIST; at most LIMIT entries. */
static void walk(int fd, const char *path, dev_t dev, int depth, struct paths *list, size_t limit)
{
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        close(fd);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && list->count < limit) {
        struct stat st;
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 ||
            fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 || st.st_dev != dev)
            continue;
        char sub[PATH_MAX];
        snprintf(sub, sizeof sub, "%s/%s", path, entry->d_name);
        paths_add(list, sub);
        if (S_ISDIR(st.st_mode) && depth < 8) {
            int sub_fd = openat(fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub_fd != -1)
                walk(sub_fd, sub, dev, depth + 1, list, limit);
        }
    }
    closedir(dir);
}

/* Every entry of the private folders now. */
static struct paths private_entries(void)
{
    struct paths list = {0};
    for (int d = 0; d < N_PRIVATE; d++) {
        int fd = open(private_dirs[d], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd == -1)
            continue;
        if (fstat(fd, &st) == -1) {
            close(fd);
            continue;
        }
        walk(fd, private_dirs[d], st.st_dev, 0, &list, 20000);
    }
    return list;
}

/* Is PATH's parent folder also in LIST (then PATH is not listed itself)? */
static bool parent_in(const struct paths *list, const char *path)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash == NULL || slash == parent)
        return false;
    *slash = '\0';
    return paths_has(list, parent);
}

/* Look at every process of the namespace but us; with REPORT, say each (the
 * first REPORT_LINES_MAX) and how many. True if all of them are zombies. */
static bool look_at_processes(bool report)
{
    int running = 0, zombies = 0;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    while (proc != NULL && (entry = readdir(proc)) != NULL) {
        int pid = atoi(entry->d_name);
        char comm[64];
        char state = pid > 1 ? process_state(pid, comm, sizeof comm) : 0;
        if (state == 0)
            continue;
        state == 'Z' ? zombies++ : running++;
        if (report && running + zombies <= REPORT_LINES_MAX) {
            text_scrub(comm, false);
            say("process %c %d %s\n", state == 'Z' ? 'Z' : 'R', pid, comm);
        }
    }
    if (proc != NULL)
        closedir(proc);
    if (report)
        say("processes %d %d\n", running, zombies);
    return running == 0;
}

/* Report the processes left in the namespace: every one but us. */
static void report_processes(void)
{
    /* Give processes that are already dying a moment to finish (20 ms at
     * most: a fork bomb's hundreds of processes are not dying). */
    for (int64_t settle_end = now_ms() + 20; now_ms() < settle_end; sleep_ms(1))
        if (look_at_processes(false))
            break;
    look_at_processes(true);
}

/* Report the entries of the private folders that are not in BEFORE (the
 * highest new one of each tree), the System V objects and message queues. */
static void report_objects(const struct paths *before, int mqueue_fd)
{
    int shm = 0, ipc = 0, files = 0, listed = 0;
    struct paths now = private_entries();
    struct paths fresh = {0};
    for (size_t i = 0; i < now.count; i++)
        if (!paths_has(before, now.items[i]))
            paths_add(&fresh, now.items[i]);
    for (size_t i = 0; i < fresh.count; i++) {
        if (parent_in(&fresh, fresh.items[i]))
            continue;
        bool in_shm = inside(fresh.items[i], "/dev/shm");
        in_shm ? shm++ : files++;
        text_scrub(fresh.items[i], false);
        if (listed++ < REPORT_LINES_MAX)
            say("object %s\n", fresh.items[i]);
    }
    static const char *const kinds[3] = {"shm", "sem", "msg"};
    for (int k = 0; k < 3; k++) {
        char path[64], line[512];
        snprintf(path, sizeof path, "/proc/sysvipc/%s", kinds[k]);
        FILE *f = fopen(path, "re");
        long key, id;
        if (f != NULL && fgets(line, sizeof line, f) != NULL) /* the header line */
            while (fgets(line, sizeof line, f) != NULL)
                if (sscanf(line, "%ld %ld", &key, &id) == 2) {
                    ipc++;
                    if (listed++ < REPORT_LINES_MAX)
                        say("object System V %s %ld\n", kinds[k], id);
                }
        if (f != NULL)
            fclose(f);
    }
    DIR *queues = fdopendir(mqueue_fd);
    struct dirent *entry;
    while (queues != NULL && (entry = readdir(queues)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        files++;
        text_scrub(entry->d_name, false);
        if (listed++ < REPORT_LINES_MAX)
            say("object message queue /%s\n", entry->d_name);
    }
    say("objects %d %d %d\n", shm, ipc, files);
}

/* ---- The init ----------------------------------------------------------------------- */

/* Send SIG to the test and its session (the programs it started lead
 * process groups of their own). */
static void signal_test(pid_t test, int sig)
{
    kill(test, sig);
    if (sig == SIGTERM) /* a stopped process must run to see it */
        kill(test, SIGCONT);
    signal_session(test, sig, false); /* no reaping: the test's status is still to come */
}

/* Close every descriptor but 0-2 and the N in KEEP: the init and the test
 * must hold none of the runner's ends. */
static void close_others(const int *keep, size_t n)
{
    for (int fd = 3; fd < 1024; fd++) {
        bool kept = false;
        for (size_t i = 0; i < n && !kept; i++)
            kept = keep[i] == fd;
        if (!kept)
            close(fd);
    }
}

/* PID 1 of the namespaces: set up, run the test, report. Never returns. */
static noreturn void init_main(const struct sandbox *sb, const struct job *job,
                               const int fds[5], int ctl, char cgroups[2][256])
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the runner gone: end everything */
    const int keep[] = {fds[0], fds[1], fds[2], fds[3], fds[4], ctl, report_fd};
    close_others(keep, sizeof keep / sizeof keep[0]);
    if (!cgroup_enter(cgroups))
        init_failed("enter the test's cgroup");
    if (sb->user_ns)
        map_own_ids(sb);
    int mqueue_fd = -1;
    set_up_mounts(job, &mqueue_fd);
    struct paths before = private_entries();
    /* No test may read the init's memory (after the ID maps: a process
     * that is not dumpable cannot write its own). */
    prctl(PR_SET_DUMPABLE, 0);

    sigset_t handled, old;
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGCHLD);
    sigprocmask(SIG_BLOCK, &handled, &old);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    int term_fd = signalfd(-1, &term, SFD_CLOEXEC);
    if (term_fd == -1)
        init_failed("signalfd");

    pid_t test = fork();
    if (test == -1)
        init_failed("fork the test");
    if (test == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(ctl);
        close(report_fd);
        if (sb->user_ns) {
            /* The test keeps no capability of the namespace. */
            struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
            struct __user_cap_data_struct none[2] = {{0}, {0}};
            if (syscall(SYS_capset, &header, none) == -1)
                setup_failed("capset");
        }
        sandbox_exec(sb, job, fds);
    }
    for (int i = 0; i < 5; i++)
        if (fds[i] != -1)
            close(fds[i]);
    int pidfd = (int)syscall(SYS_pidfd_open, test, 0);
    int status = 0;
    int64_t grace_end = 0; /* at the deadline: when SIGKILL follows SIGTERM */
    struct hang_sample first = {0}, second = {0};
    for (;;) {
        struct pollfd pfd[3] = {{.fd = ctl, .events = POLLIN},
                                {.fd = term_fd, .events = POLLIN},
                                {.fd = pidfd, .events = POLLIN}};
        if (poll(pfd, pidfd == -1 ? 2 : 3, pidfd == -1 ? 10 : -1) == -1 && errno != EINTR)
            init_failed("poll");
        if (pfd[0].revents != 0) {
            char command;
            ssize_t n = read(ctl, &command, 1);
            if (n <= 0)
                _exit(1); /* the runner is gone */
            if (command == 'S') { /* the deadline is near: a first look */
                hang_sample(&first, 0);
                continue;
            }
            if (command == 'T' && second.at_ms == 0) { /* the deadline: a second look */
                char what[512];
                hang_sample(&second, 0);
                hang_describe(&first, &second, what, sizeof what);
                what[strcspn(what, "\n")] = '\0';
                if (what[0] != '\0')
                    say("hang %s\n", what);
            }
            if (grace_end == 0 || command == 'K')
                grace_end = now_ms() + (command == 'K' ? 0 : TERM_GRACE_MS);
            signal_test(test, command == 'K' ? SIGKILL : SIGTERM);
        }
        if (pfd[1].revents != 0) {
            struct signalfd_siginfo info;
            if (read(term_fd, &info, sizeof info) > 0)
                signal_test(test, SIGTERM);
        }
        pid_t r = waitpid(test, &status, WNOHANG);
        if (r == test)
            break;
    }
    say("status %d\n", status);
    /* A timed-out test's processes are the harness's to stop, not leftovers. */
    if (grace_end != 0)
        end_session(test, grace_end);
    report_processes();
    report_objects(&before, mqueue_fd);
    say("end\n");
    _exit(0);
}

pid_t isolate_start(const struct sandbox *sb, const struct job *job, const int fds[5],
                    int ctl_read, int report_write, char cgroups[2][256])
{
    long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | (sb->user_ns ? CLONE_NEWUSER : 0);
    /* clone with no new stack behaves as fork, with the namespaces made
     * for the child: it is PID 1 of the new PID namespace. */
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        report_fd = report_write;
        init_main(sb, job, fds, ctl_read, cgroups);
    }
    return pid;
}

void isolate_read_report(const char *text, struct outcome *out, struct leftovers *lo)
{
    bool ended = false;
    for (const char *line = text; *line != '\0';) {
        const char *nl = strchr(line, '\n');
        if (nl == NULL)
            break; /* a cut line: the init was killed mid-report */
        char buf[1024];
        snprintf(buf, sizeof buf, "%.*s", (int)(nl - line), line);
        int a, b, c;
        char state;
        int name_at = 0;
        if (sscanf(buf, "status %d", &a) == 1) {
            out->status = a;
            out->status_known = true;
        } else if (sscanf(buf, "processes %d %d", &a, &b) == 2) {
            lo->running = a;
            lo->zombies = b;
        } else if (sscanf(buf, "objects %d %d %d", &a, &b, &c) == 3) {
            lo->shm = a;
            lo->ipc = b;
            lo->files = c;
        } else if (sscanf(buf, "process %c %d %n", &state, &a, &name_at) == 2 && name_at > 0) {
            text_append(lo->processes, sizeof lo->processes, "%s%s (pid %d, %s)",
                        lo->processes[0] ? ", " : "", buf + name_at, a,
                        state == 'Z' ? "zombie" : "running");
        } else if (strncmp(buf, "object ", 7) == 0) {
            text_append(lo->objects, sizeof lo->objects, "%s%s", lo->objects[0] ? ", " : "",
                        buf + 7);
        } else if (strncmp(buf, "hang ", 5) == 0) {
            snprintf(out->hang, sizeof out->hang, "%.500s\n", buf + 5);
        } else if (strncmp(buf, "error ", 6) == 0) {
            snprintf(out->setup_error, sizeof out->setup_error, "runner: %.400s", buf + 6);
        } else if (strcmp(buf, "end") == 0) {
            ended = true;
        }
        line = nl + 1;
    }
    if (!ended && out->status_known && out->setup_error[0] == '\0')
        snprintf(out->setup_error, sizeof out->setup_error,
                 "the sandbox's init ended before reporting what was left");
}

bool isolate_try(const struct sandbox *sb, const char *workdir, char *why, size_t len)
{
    static char *const bin_true[] = {"/bin/true", NULL}, *const usr_bin_true[] = {"/usr/bin/true", NULL};
    char trial[PATH_MAX];
    snprintf(trial, sizeof trial, "%s/sandbox-trial", workdir);
    remove_tree(trial);
    if (mkdir(trial, 0700) == -1 || (sb->privileged && chown(trial, sb->uid, sb->gid) == -1))
        exit_errno("runner: make %s", trial);
    struct job job = {.argv = access(bin_true[0], X_OK) == 0 ? bin_true : usr_bin_true,
                      .workdir = trial, .timeout_ms = 10000, .index = 0};
    struct outcome *out = calloc(1, sizeof *out);
    struct leftovers lo = {0};
    if (out == NULL)
        exit_msg("runner: out of memory");
    run_untrusted(sb, &job, OSLAB_LAB, "", out, &lo);
    bool ok = out->setup_error[0] == '\0' && out->status_known && WIFEXITED(out->status) &&
              WEXITSTATUS(out->status) == 0;
    if (!ok)
        snprintf(why, len, "%s", out->setup_error[0] ? out->setup_error
                                 : out->err_len > 0 ? out->err
                                                    : "a trial run did not end as it should");
    free(out);
    remove_tree(trial);
    return ok;
}
