/*
 * sweep.c - fallback mode: where the kernel gives no namespaces, a test runs
 * among the machine's processes and files, and what it leaves is found by
 * looking at the shared places before and after it:
 *   - processes: the runner is a child subreaper, so every process the test
 *     left lands with it; as root, kill(-1) from the test's UID ends the rest;
 *   - /dev/shm and System V IPC: exact snapshots (any size) before the test,
 *     compared after it;
 *   - /tmp, /var/tmp, /run/lock, /dev/mqueue: as root, what the test's UID owns.
 * As root, only what the test's UID made is removed, by descriptors held on
 * each folder (never a path someone else could redirect). As an ordinary
 * user nothing is removed: the user's own programs make the same kind of
 * objects, and none of theirs may ever be deleted.
 */
#include "runner.h"

#include <dirent.h>       /* opendir */
#include <fcntl.h>        /* openat, O_* */
#include <sched.h>        /* unshare: a view of the message queues */
#include <signal.h>       /* kill */
#include <sys/ipc.h>      /* IPC_RMID */
#include <sys/mount.h>    /* mount: a view of the message queues */
#include <sys/msg.h>      /* msgctl */
#include <sys/sem.h>      /* semctl */
#include <sys/shm.h>      /* shmctl */
#include <sys/stat.h>     /* fstatat */
#include <sys/wait.h>     /* waitpid */

#include "verdict.h"

/* A growing list of strings or numbers. */
struct list {
    char **names;
    long *ids;
    size_t count, cap;
};

/* What the shared places held before a run. */
struct snapshot {
    struct list shm;    /* names in /dev/shm */
    struct list ipc[3]; /* System V ids: shm, sem, msg */
};

static const char *const ipc_kinds[3] = {"shm", "sem", "msg"};

/* Make room for one more entry in LIST; exit on out of memory. */
static void list_grow(struct list *list)
{
    if (list->count < list->cap)
        return;
    list->cap = list->cap ? 2 * list->cap : 64;
    list->names = realloc(list->names, list->cap * sizeof *list->names);
    list->ids = realloc(list->ids, list->cap * sizeof *list->ids);
    if (list->names == NULL || list->ids == NULL)
        exit_msg("runner: out of memory");
}

static void list_add(struct list *list, const char *name, long id)
{
    list_grow(list);
    list->names[list->count] = name ? strdup(name) : NULL;
    if (name != NULL && list->names[list->count] == NULL)
        exit_msg("runner: out of memory");
    list->ids[list->count++] = id;
}

static bool list_has(const struct list *list, const char *name, long id)
{
    for (size_t i = 0; i < list->count; i++)
        if (name ? strcmp(list->names[i], name) == 0 : list->ids[i] == id)
            return true;
    return false;
}

static void list_free(struct list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    free(list->ids);
    *list = (struct list){0};
}

/* The entries of /dev/shm, every one. */
static void shm_list(struct list *list)
{
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            list_add(list, entry->d_name, 0);
    closedir(dir);
}

/* The ids (second column) of /proc/sysvipc/KIND, every one. */
static void ipc_list(const char *kind, struct list *list)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kind);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return;
    long key, id;
    if (fgets(line, sizeof line, f) != NULL) /* the header line */
        while (fgets(line, sizeof line, f) != NULL)
            if (sscanf(line, "%ld %ld", &key, &id) == 2)
                list_add(list, NULL, id);
    fclose(f);
}

struct snapshot *sweep_snapshot(void)
{
    struct snapshot *snap = calloc(1, sizeof *snap);
    if (snap == NULL)
        exit_msg("runner: out of memory");
    shm_list(&snap->shm);
    for (int k = 0; k < 3; k++)
        ipc_list(ipc_kinds[k], &snap->ipc[k]);
    return snap;
}

/* Note NAME (printf-style) in LO's objects, its control characters scrubbed. */
OSLAB_PRINTF(2, 3)
static void note_object(struct leftovers *lo, const char *fmt, ...)
{
    char name[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    text_scrub(name, false);
    text_append(lo->objects, sizeof lo->objects, "%s%s", lo->objects[0] ? ", " : "", name);
}

/* ---- Removing without following links ------------------------------------------ */

/* Open the folder NAME in DIR_FD without following a link; one the test made
 * unreadable (mode 000: it was its own) is given back its owner's rights
 * first, through a descriptor of the folder itself, never a path. -1 if not. */
static int open_folder(int dir_fd, const char *name)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd != -1 || errno != EACCES)
        return fd;
    int path_fd = openat(dir_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (path_fd == -1)
        return -1;
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", path_fd);
    int ok = chmod(self, 0700);
    close(path_fd);
    return ok == 0 ? openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
}

bool remove_at(int dir_fd, const char *name)
{
    if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT)
        return true;
    if (errno != EISDIR && errno != EPERM)
        return false;
    /* A folder: open it without following a link, empty it, remove it. */
    int fd = open_folder(dir_fd, name);
    if (fd == -1)
        return false;
    fchmod(fd, 0700); /* a folder left read-only: its entries can go */
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        close(fd);
        return false;
    }
    struct dirent *entry;
    for (;;) {
        /* Removing while reading may skip entries: look again while a pass
         * removes something, and stop when one removes nothing (what is
         * left cannot be removed: no loop for ever). */
        bool progress = false;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            if (remove_at(fd, entry->d_name))
                progress = true;
        }
        if (!progress)
            break;
        rewinddir(dir);
    }
    closedir(dir);
    if (unlinkat(dir_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return true;
    warn_errno("runner: remove %s", name);
    return false;
}

void remove_tree(const char *path)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash == NULL || slash[1] == '\0')
        return;
    const char *name = path + (slash - parent) + 1;
    if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1)
        return;
    remove_at(fd, name);
    close(fd);
}

/* ---- Processes ------------------------------------------------------------------ */

long tasks_of_uid(uid_t uid)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return 0;
    long count = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s/task", entry->d_name);
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9' || stat(path, &st) == -1 ||
            st.st_uid != uid)
            continue;
        count += (long)st.st_nlink - 2; /* one subfolder per thread */
    }
    closedir(proc);
    return count;
}

/* The PIDs of our own children (we are a subreaper: orphans land here). */
static size_t our_children(pid_t *pids, size_t max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return 0;
    size_t n = 0;
    int pid;
    while (n < max && fscanf(f, "%d", &pid) == 1)
        pids[n++] = pid;
    fclose(f);
    return n;
}

/* State letter of PID from /proc (0 if gone), its command name into COMM,
 * and its session ID into *SESSION if not NULL. */
static char read_stat(pid_t pid, char *comm, size_t len, pid_t *session)
{
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    comm[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return 0;
    ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0)
        return 0;
    stat[n] = '\0';
    char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren[1] == '\0')
        return 0;
    snprintf(comm, len, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    /* After the name: state, parent, process group, session. */
    int parent, group, sid;
    if (session != NULL)
        *session = sscanf(close_paren + 2, "%*c %d %d %d", &parent, &group, &sid) == 3 ? sid : 0;
    return close_paren[2];
}

char process_state(pid_t pid, char *comm, size_t len)
{
    return read_stat(pid, comm, len, NULL);
}

int signal_session(pid_t sid, int sig, bool reap)
{
    int alive = 0;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    while (proc != NULL && (entry = readdir(proc)) != NULL) {
        pid_t pid = (pid_t)atoi(entry->d_name), session = 0;
        char comm[64];
        char state = pid > 0 ? read_stat(pid, comm, sizeof comm, &session) : 0;
        if (state == 0 || session != sid)
            continue;
        if (state == 'Z') {
            if (reap) /* ours when its parent has ended: we are the reaper */
                waitpid(pid, NULL, WNOHANG);
            continue;
        }
        alive++;
        if (sig != 0)
            kill(pid, sig);
        if (sig == SIGTERM) /* a stopped process must run to see it */
            kill(pid, SIGCONT);
    }
    if (proc != NULL)
        closedir(proc);
    return alive;
}

void end_session(pid_t sid, int64_t grace_end)
{
    int64_t give_up = (grace_end > now_ms() ? grace_end : now_ms()) + 2000;
    while (signal_session(sid, now_ms() >= grace_end ? SIGKILL : 0, true) > 0 &&
           now_ms() < give_up)
        sleep_ms(1);
}

/* Kill every process of the sandbox UID: kill(-1) from a child running as it. */
static void kill_all_of_uid(const struct sandbox *sb)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        /* kill(-1) signals everything this UID may signal but ourselves. */
        if (setgid(sb->gid) == -1 || setuid(sb->uid) == -1)
            _exit(1);
        kill(-1, SIGKILL);
        _exit(0);
    }
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        ;
}

/* Count, kill and reap every process the test left; fill LO. */
static void sweep_processes(const struct sandbox *sb, struct leftovers *lo)
{
    static pid_t pids[8192];
    const size_t max_pids = sizeof pids / sizeof pids[0];
    size_t n = our_children(pids, max_pids);
    /* Give processes that are already dying a moment to finish. */
    for (int settle = 0; n > 0 && settle < 20; settle++) {
        bool all_zombies = true;
        char comm[64];
        for (size_t i = 0; i < n; i++)
            all_zombies &= process_state(pids[i], comm, sizeof comm) == 'Z';
        if (all_zombies)
            break;
        sleep_ms(1);
        n = our_children(pids, max_pids);
    }
    for (size_t i = 0; i < n; i++) {
        char comm[64];
        char state = process_state(pids[i], comm, sizeof comm);
        if (state == 0)
            continue;
        if (state == 'Z')
            lo->zombies++;
        else
            lo->running++;
        text_scrub(comm, false);
        text_append(lo->processes, sizeof lo->processes, "%s%s (pid %d, %s)",
                    lo->processes[0] ? ", " : "", comm, (int)pids[i],
                    state == 'Z' ? "zombie" : "running");
    }
    /* Kill until nothing is left: a fork bomb refills while we work. */
    int64_t give_up = now_ms() + 5000;
    while (now_ms() < give_up) {
        if (sb->privileged)
            kill_all_of_uid(sb);
        n = our_children(pids, max_pids);
        for (size_t i = 0; i < n; i++) {
            kill(-pids[i], SIGKILL);
            kill(pids[i], SIGKILL);
        }
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (n == 0 && our_children(pids, 1) == 0)
            break;
        sleep_ms(1);
    }
}

/* ---- Files and IPC objects ------------------------------------------------------ */

/* Report (and as root remove) /dev/shm entries new since BEFORE, made by the
 * sandbox UID when we are root. */
static void sweep_shm(const struct sandbox *sb, const struct list *before, struct leftovers *lo)
{
    int fd = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd == -1 ? NULL : fdopendir(fd);
    if (dir == NULL) {
        if (fd != -1)
            close(fd);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0 ||
            list_has(before, entry->d_name, 0) ||
            fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
            continue;
        if (sb->privileged && st.st_uid != sb->uid)
            continue;
        lo->shm++;
        note_object(lo, "/dev/shm/%s", entry->d_name);
        if (sb->privileged)
            remove_at(fd, entry->d_name);
    }
    closedir(dir);
}

/* Did UID create or own System V object ID of kind K (0 shm, 1 sem, 2 msg)? */
static bool ipc_of_uid(int k, int id, uid_t uid)
{
    struct ipc_perm perm;
    if (k == 0) {
        struct shmid_ds ds;
        if (shmctl(id, IPC_STAT, &ds) == -1)
            return false;
        perm = ds.shm_perm;
    } else if (k == 1) {
        struct semid_ds ds;
        union semun { /* the caller defines it (POSIX) */
            int val;
            struct semid_ds *buf;
            unsigned short *array;
        } arg = {.buf = &ds};
        if (semctl(id, 0, IPC_STAT, arg) == -1)
            return false;
        perm = ds.sem_perm;
    } else {
        struct msqid_ds ds;
        if (msgctl(id, IPC_STAT, &ds) == -1)
            return false;
        perm = ds.msg_perm;
    }
    return perm.cuid == uid || perm.uid == uid;
}

/* Report System V objects new since BEFORE (the sandbox UID's when we are
 * root, which then removes them). */
static void sweep_ipc(const struct sandbox *sb, const struct list before[3], struct leftovers *lo)
{
    for (int k = 0; k < 3; k++) {
        struct list now = {0};
        ipc_list(ipc_kinds[k], &now);
        for (size_t i = 0; i < now.count; i++) {
            int id = (int)now.ids[i];
            if (list_has(&before[k], NULL, id) || (sb->privileged && !ipc_of_uid(k, id, sb->uid)))
                continue;
            lo->ipc++;
            note_object(lo, "System V %s %d", ipc_kinds[k], id);
            if (!sb->privileged)
                continue;
            int rc = k == 0 ? shmctl(id, IPC_RMID, NULL)
                   : k == 1 ? semctl(id, 0, IPC_RMID)
                            : msgctl(id, IPC_RMID, NULL);
            if (rc == -1 && errno != EINVAL && errno != EIDRM)
                warn_errno("runner: remove System V %s %d", ipc_kinds[k], id);
        }
        list_free(&now);
    }
}

/* As root: remove what the sandbox UID left in the folder open as DIR_FD
 * (PATH for the report), and look into the folders in it that anyone may
 * write to (/tmp/.X11-unix, ...): the only other places it could write. */
static void sweep_folder(const struct sandbox *sb, int dir_fd, const char *path, int depth,
                         struct leftovers *lo)
{
    DIR *dir = fdopendir(dir_fd);
    if (dir == NULL) {
        close(dir_fd);
        return;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        if (strcmp(entry->d_name, "..") == 0 || strcmp(entry->d_name, ".") == 0 ||
            fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
            continue;
        if (st.st_uid == sb->uid) {
            lo->files++;
            note_object(lo, "%s/%s", path, entry->d_name);
            remove_at(dir_fd, entry->d_name);
        } else if (S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) && depth < 4) {
            int sub = openat(dir_fd, entry->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            char sub_path[PATH_MAX];
            snprintf(sub_path, sizeof sub_path, "%s/%s", path, entry->d_name);
            if (sub != -1)
                sweep_folder(sb, sub, sub_path, depth + 1, lo);
        }
    }
    closedir(dir);
}

/* Where POSIX message queues are seen (see sweep_watch_mqueues). */
static const char *mqueue_dir = "/dev/mqueue";

void sweep_watch_mqueues(const struct sandbox *sb, const char *workdir)
{
    static char dir[PATH_MAX];
    struct stat st;
    if (!sb->privileged || stat(mqueue_dir, &st) == 0)
        return;
    snprintf(dir, sizeof dir, "%s/.mqueue", workdir);
    if (unshare(CLONE_NEWNS) == -1 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
        (mkdir(dir, 0755) == -1 && errno != EEXIST) ||
        mount("mqueue", dir, "mqueue", 0, NULL) == -1)
        return; /* a container without CAP_SYS_ADMIN: queues stay unseen */
    mqueue_dir = dir;
}

/* As root: remove what the sandbox UID left in the shared temporary folders. */
static void sweep_tmp(const struct sandbox *sb, struct leftovers *lo)
{
    const char *const dirs[] = {"/tmp", "/var/tmp", "/run/lock", mqueue_dir};
    if (!sb->privileged)
        return; /* as a user we cannot tell the test's files from our own */
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        int fd = open(dirs[d], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd != -1)
            sweep_folder(sb, fd, dirs[d], 0, lo);
    }
}

void sweep_after(const struct sandbox *sb, struct snapshot *before, struct leftovers *lo)
{
    sweep_processes(sb, lo);
    sweep_shm(sb, &before->shm, lo);
    sweep_ipc(sb, before->ipc, lo);
    sweep_tmp(sb, lo);
    lo->left_in_place = !sb->privileged && lo->shm + lo->ipc > 0;
    list_free(&before->shm);
    for (int k = 0; k < 3; k++)
        list_free(&before->ipc[k]);
    free(before);
}
