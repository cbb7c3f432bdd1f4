/*
 * phantom.c - linked into phantom/pslist, the pslist the listing tests run
 * (-Wl,--wrap=readdir,--wrap=closedir): a directory stream of numbered
 * entries (/proc, /proc/PID/task) gives, after its last entry, one more:
 * PHANTOM_PID, a process that cannot exist, so reading it fails with ENOENT
 * as it does for a process that ended in the middle of the scan. Every scan
 * then meets a vanished process, on every run: a scan that gives up on one
 * fails the same tests each time instead of when some process on the machine
 * happens to end at the wrong moment.
 *
 * With OSLAB_PHANTOM_ESRCH set in the environment (list_survives_churn sets
 * it), the stream then gives a second entry, ESRCH_PID: opening a file under
 * it (open, openat, fopen: -Wl,--wrap of each) succeeds, and reading it
 * fails with ESRCH, as for a process that ended between the open() and the
 * read(). That, too, then happens on every run, not when the machine's
 * timing allows. Test support, not student code.
 */
#include "oslab.h"

#include <ctype.h>    /* isdigit */
#include <dirent.h>   /* readdir, closedir */
#include <fcntl.h>    /* open, openat, O_CREAT */
#include <signal.h>   /* kill, SIGKILL */
#include <sys/wait.h> /* waitpid */

struct dirent *__real_readdir(DIR *dir);
struct dirent *__wrap_readdir(DIR *dir);
int __real_closedir(DIR *dir);
int __wrap_closedir(DIR *dir);

/* One more than the largest PID Linux can give (PID_MAX_LIMIT is 2^22), and the
 * next: neither can be a real process. */
#define PHANTOM_PID "4194304"
#define ESRCH_PID "4194305"

enum { STREAMS = 32 };

/* The open streams seen giving a numbered entry, and how many phantom entries
 * each has given since its last real one. */
static struct {
    DIR *dir;
    int given;
} numbered[STREAMS];

/* Is NAME all digits? */
static bool is_number(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name != '\0'; name++)
        if (!isdigit((unsigned char)*name))
            return false;
    return true;
}

/* DIR's slot in numbered[]; with ADD, a free one if it has none; or NULL. */
static int slot_of(DIR *dir, bool add)
{
    for (int i = 0; i < STREAMS; i++)
        if (numbered[i].dir == dir)
            return i;
    if (add)
        for (int i = 0; i < STREAMS; i++)
            if (numbered[i].dir == NULL) {
                numbered[i].dir = dir;
                numbered[i].given = 0;
                return i;
            }
    return -1;
}

/* readdir for phantom/pslist: the real entries, then, if any entry was
 * numbered, PHANTOM_PID once and (with OSLAB_PHANTOM_ESRCH) ESRCH_PID once.
 * errno is left as the real readdir left it. */
struct dirent *__wrap_readdir(DIR *dir)
{
    static struct dirent phantom;
    struct dirent *entry = __real_readdir(dir);
    if (entry != NULL) {
        if (is_number(entry->d_name))
            slot_of(dir, true);
        return entry;
    }
    int slot = slot_of(dir, false);
    int phantoms = getenv("OSLAB_PHANTOM_ESRCH") != NULL ? 2 : 1;
    if (slot == -1 || numbered[slot].given >= phantoms)
        return NULL;
    const char *name = numbered[slot].given == 0 ? PHANTOM_PID : ESRCH_PID;
    numbered[slot].given++;
    phantom.d_ino = 1;
    phantom.d_type = DT_DIR;
    snprintf(phantom.d_name, sizeof phantom.d_name, "%s", name);
    return &phantom;
}

/* closedir for phantom/pslist: DIR's slot is free again. */
int __wrap_closedir(DIR *dir)
{
    int slot = slot_of(dir, false);
    if (slot != -1)
        numbered[slot].dir = NULL;
    return __real_closedir(dir);
}

/* ---- Files under ESRCH_PID: open succeeds, read fails with ESRCH ------------------ */

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...);
int __real_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __real_openat64(int dirfd, const char *path, int flags, ...);
int __wrap_openat64(int dirfd, const char *path, int flags, ...);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__real_fopen64(const char *path, const char *mode);
FILE *__wrap_fopen64(const char *path, const char *mode);

/* Does PATH name a file inside ESRCH_PID's folder ("ESRCH_PID/..." as one of its
 * components, followed by more)? The folder itself is left to fail with ENOENT,
 * so that a scan that opens it and then the files inside it (openat) meets an
 * ordinary vanished process. */
static bool inside_esrch_pid(const char *path)
{
    size_t len = strlen(ESRCH_PID);
    for (const char *p = strstr(path, ESRCH_PID); p != NULL; p = strstr(p + 1, ESRCH_PID)) {
        bool starts = p == path || p[-1] == '/';
        if (starts && p[len] == '/' && p[len + 1] != '\0')
            return true;
    }
    return false;
}

/*
 * A descriptor of /proc/PID/stat of a child that has ended and been reaped,
 * made once: read() on it fails with ESRCH, and so does read() on it opened
 * again through /proc/self/fd/N. -1 if it could not be made.
 */
static int stale_descriptor(void)
{
    static int stale = -1;
    if (stale != -1)
        return stale;
    pid_t child = fork();
    if (child == -1)
        return -1;
    if (child == 0) {
        pause();
        _exit(0);
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)child);
    int fd = __real_open(path, O_RDONLY | O_CLOEXEC);
    kill(child, SIGKILL);
    while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
        ;
    stale = fd;
    return stale;
}

/* PATH under ESRCH_PID opened: the stale descriptor opened again with FLAGS (its
 * own file offset and flags), or -1 with ENOENT if there is none. */
static int open_stale(int flags)
{
    int stale = stale_descriptor();
    if (stale == -1) {
        errno = ENOENT;
        return -1;
    }
    char again[64];
    snprintf(again, sizeof again, "/proc/self/fd/%d", stale);
    return __real_open(again, flags & ~(O_CREAT | O_TRUNC | O_EXCL | O_DIRECTORY | O_NOFOLLOW));
}

/* Does an open with FLAGS pass a mode argument? (O_CREAT, or O_TMPFILE whole:
 * O_TMPFILE contains O_DIRECTORY's bit, which alone passes none.) */
static bool needs_mode(int flags)
{
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

/* MODE = the mode argument after LAST, if FLAGS say there is one. */
#define TAKE_MODE(mode, flags, last)                                                     \
    do {                                                                                 \
        if (needs_mode(flags)) {                                                         \
            va_list ap;                                                                  \
            va_start(ap, last);                                                          \
            (mode) = va_arg(ap, int);                                                    \
            va_end(ap);                                                                  \
        }                                                                                \
    } while (0)

/* open(2) for phantom/pslist: a file under ESRCH_PID is stale, the rest unchanged. */
int __wrap_open(const char *path, int flags, ...)
{
    int mode = 0;
    TAKE_MODE(mode, flags, flags);
    return inside_esrch_pid(path) ? open_stale(flags) : __real_open(path, flags, mode);
}

/* open64: as open. */
int __wrap_open64(const char *path, int flags, ...)
{
    int mode = 0;
    TAKE_MODE(mode, flags, flags);
    return inside_esrch_pid(path) ? open_stale(flags) : __real_open64(path, flags, mode);
}

/* openat(2): as open (the path is matched as given, relative or not). */
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
    int mode = 0;
    TAKE_MODE(mode, flags, flags);
    return inside_esrch_pid(path) ? open_stale(flags) : __real_openat(dirfd, path, flags, mode);
}

/* openat64: as openat. */
int __wrap_openat64(int dirfd, const char *path, int flags, ...)
{
    int mode = 0;
    TAKE_MODE(mode, flags, flags);
    return inside_esrch_pid(path) ? open_stale(flags) : __real_openat64(dirfd, path, flags, mode);
}

/* A stream on the stale descriptor opened again, or NULL with errno. */
static FILE *fdopen_stale(void)
{
    int fd = open_stale(O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return NULL;
    FILE *stream = fdopen(fd, "r");
    if (stream == NULL) {
        int err = errno;
        close(fd);
        errno = err;
    }
    return stream;
}

/* fopen(3) for phantom/pslist: a file under ESRCH_PID is the stale one, read-only. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
    return inside_esrch_pid(path) ? fdopen_stale() : __real_fopen(path, mode);
}

/* fopen64: as fopen. */
FILE *__wrap_fopen64(const char *path, const char *mode)
{
    return inside_esrch_pid(path) ? fdopen_stale() : __real_fopen64(path, mode);
}
