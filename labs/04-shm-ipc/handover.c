/*
 * handover.c - `shmipc put` and `shmipc get`: a file handed from one
 * process to another through a named shared memory object (given code).
 *
 *   put NAME FILE: region_create (yours) makes /dev/shm/NAME, big enough for
 *     a header page and FILE; FILE is read straight into the mapping; then
 *     region_publish marks it ready and region_await_ack waits for get.
 *   get NAME FILE: region_attach (yours) waits until NAME exists, is sized
 *     and ready, and maps it; the data is written out to FILE; then
 *     region_acknowledge tells put, and region_release unlinks NAME.
 *
 * Either may start first. Whatever happens (a timeout, an error, SIGINT or
 * SIGTERM), put removes the object it created unless get has taken it; get
 * removes it once it has copied it out. Both print a line to stderr with
 * the byte count and the checksum (checksum64) of the data.
 */
#include "oslab.h"

#include <fcntl.h>    /* open */
#include <signal.h>   /* sigaction */
#include <sys/stat.h> /* fstat */
#include <time.h>     /* nanosleep */

#include "shm.h"
#include "shmipc.h"

/* Bytes per read or write call: short enough to notice a signal soon. */
enum { CHUNK_BYTES = 1 << 20 };

volatile sig_atomic_t shutdown_signal;

/* SIGINT, SIGTERM: remember which; the waits and copies look at it. */
static void on_shutdown_signal(int signo)
{
    shutdown_signal = signo;
}

void install_shutdown_handlers(void)
{
    /* No SA_RESTART: a blocked read or write returns EINTR, so a copy into
     * a pipe nobody reads can still be interrupted. */
    struct sigaction action = {.sa_handler = on_shutdown_signal, .sa_flags = 0};
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) == -1 || sigaction(SIGTERM, &action, NULL) == -1)
        exit_errno("sigaction");
    /* Errors instead of deaths: EFBIG when a file exceeds RLIMIT_FSIZE,
     * EPIPE when the reader of FILE (a pipe) goes away. */
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        exit_errno("signal");
}

int pause_or_give_up(int64_t deadline_ms)
{
    if (shutdown_signal != 0) {
        errno = EINTR;
        return -1;
    }
    if (now_ms() >= deadline_ms) {
        errno = ETIMEDOUT;
        return -1;
    }
    /* 100 us: short enough that a hand-over is seen at once, long enough
     * that a waiting process costs next to no CPU. */
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 100000};
    nanosleep(&pause, NULL);
    return 0;
}

uint64_t checksum64(const void *data, size_t len)
{
    const unsigned char *bytes = data;
    uint64_t sum = len;
    size_t words = len / 8;
    for (size_t i = 0; i < words; i++) {
        uint64_t w;
        memcpy(&w, bytes + 8 * i, sizeof w); /* this machine is little-endian */
        sum += w * (2 * (uint64_t)i + 1);
    }
    if (len % 8 != 0) {
        uint64_t w = 0;
        memcpy(&w, bytes + 8 * words, len % 8);
        sum += w * (2 * (uint64_t)words + 1);
    }
    return sum;
}

bool valid_object_name(const char *name, const char **why)
{
    size_t len = strlen(name);
    if (name[0] != '/')
        *why = "must start with '/'";
    else if (strchr(name + 1, '/') != NULL)
        *why = "may hold no '/' but the first";
    else if (len == 1)
        *why = "needs at least one character after the '/'";
    else if (len - 1 > NAME_MAX)
        *why = "is longer than NAME_MAX (255) characters after the '/'";
    else if (strcmp(name, "/.") == 0 || strcmp(name, "/..") == 0)
        *why = "may not be \".\" or \"..\"";
    else
        return true;
    return false;
}

/* Seconds since START_NS. */
static double seconds_since(int64_t start_ns)
{
    return (double)(now_ns() - start_ns) / 1e9;
}

/* Move exactly LEN bytes between FD and BUF, CHUNK_BYTES a call: read(2)
 * into BUF when READING, else write(2) from it. 0, or -1 with errno (EIO if
 * the file ends early, EINTR after SIGINT or SIGTERM). */
static int copy_exactly(int fd, unsigned char *buf, size_t len, bool reading)
{
    size_t done = 0;
    while (done < len) {
        size_t want = len - done < CHUNK_BYTES ? len - done : CHUNK_BYTES;
        ssize_t n = reading ? read(fd, buf + done, want) : write(fd, buf + done, want);
        if (n == -1 && errno == EINTR && shutdown_signal == 0)
            continue;
        if (n == -1)
            return -1;
        if (n == 0) {
            errno = EIO; /* the file shrank while we read it */
            return -1;
        }
        done += (size_t)n;
        if (shutdown_signal != 0) {
            errno = EINTR;
            return -1;
        }
    }
    return 0;
}

/* Report why COMMAND stopped waiting for or copying NAME, from errno;
 * THEN says what happens next ("" for nothing). */
static void report_stop(const char *command, const char *what, const char *name, int timeout_ms,
                        const char *then)
{
    if (errno == EINTR && shutdown_signal != 0)
        warn_msg("%s %s: got %s: gave up%s", command, name, signal_name(shutdown_signal), then);
    else if (errno == ETIMEDOUT)
        warn_msg("%s %s: %s within %d ms%s", command, name, what, timeout_ms, then);
    else
        warn_errno("%s %s", command, name);
}

int run_put(const char *name, const char *path, int timeout_ms, bool force)
{
    int fd = open(path, O_RDONLY);
    if (fd == -1) {
        warn_errno("put: cannot open '%s'", path);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) == -1) {
        warn_errno("put: fstat '%s'", path);
        close(fd);
        return 1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > HANDOVER_MAX_BYTES) {
        warn_msg("put: '%s' is not a regular file of at most 1 GiB", path);
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;

    int64_t start = now_ns();
    struct region r;
    if (region_create(&r, name, size, force) == -1) {
        if (errno == EEXIST)
            warn_msg("put %s: already exists, left by a crashed run or used by another put: "
                     "use --force to replace it",
                     name);
        else
            warn_errno("put %s: cannot create it", name);
        close(fd);
        return 1;
    }
    if (copy_exactly(fd, r.data, size, true) == -1) {
        report_stop("put", "", name, timeout_ms, "; removed it");
        close(fd);
        region_release(&r, true);
        return 1;
    }
    close(fd);
    uint64_t sum = checksum64(r.data, size);
    double copy_seconds = seconds_since(start);
    int64_t published = now_ns();
    region_publish(&r);

    if (region_await_ack(&r, timeout_ms) == -1) {
        report_stop("put", "no acknowledgement from get", name, timeout_ms, "; removed it");
        region_release(&r, true);
        return 1;
    }
    double handover_seconds = seconds_since(published);
    /* get has the data and removes the name: only the mapping is ours. */
    if (region_release(&r, false) == -1) {
        warn_errno("put %s: release", name);
        return 1;
    }
    /* Two times: filling the object (fresh memory, the file read) and the
     * hand-over itself, from HANDOVER_READY until get has acknowledged. */
    fprintf(stderr,
            "put %s: %zu bytes, checksum %016llx, copied in %.3f s, handed over in %.3f s\n", name,
            size, (unsigned long long)sum, copy_seconds, handover_seconds);
    return 0;
}

int run_get(const char *name, const char *path, int timeout_ms)
{
    /* Open FILE first: if it cannot be written, the object is not touched. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1) {
        warn_errno("get: cannot open '%s'", path);
        return 1;
    }
    struct region r;
    if (region_attach(&r, name, timeout_ms) == -1) {
        if (errno == EBADMSG)
            warn_msg("get %s: the object is smaller than its header says", name);
        else
            report_stop("get", "did not appear or was not ready", name, timeout_ms, "");
        close(fd);
        return 1;
    }
    int64_t start = now_ns(); /* the copy, not the wait for put */
    size_t size = r.length - REGION_HEADER_SIZE;
    int written = copy_exactly(fd, r.data, size, false);
    if (close(fd) == -1)
        written = -1;
    if (written == -1) {
        /* The data stays for put to remove (or for another get). */
        report_stop("get: write", "", path, timeout_ms, "");
        region_release(&r, false);
        return 1;
    }
    uint64_t sum = checksum64(r.data, size);
    region_acknowledge(&r);
    double seconds = seconds_since(start);
    int status = 0;
    if (region_release(&r, true) == -1) {
        warn_errno("get %s: release", name);
        status = 1;
    }
    fprintf(stderr, "get %s: %zu bytes, checksum %016llx, copied out in %.3f s\n", name, size,
            (unsigned long long)sum, seconds);
    return status;
}
