/*
 * shmbench.c - `make bench` for lab 04: how fast a file goes from one
 * process to another through shared memory, a pipe and a file, and what a
 * shared counter costs across processes and across threads.
 *
 *   shmbench SHMIPC [SIZE_MIB...]     (default sizes: 64 256 1024)
 *
 * For each size, a source file of that size is made in $TMPDIR (or /tmp)
 * and handed over, the best of ROUNDS runs kept, four ways:
 *   shm        `SHMIPC get NAME /dev/null` started, then `SHMIPC put NAME SRC`
 *              (your code: both copy, and both compute a checksum)
 *   pipe       a child reads SRC in 64 KiB chunks into a pipe, the parent
 *              reads the pipe and writes /dev/null
 *   pipe 1M    the same with the pipe's buffer raised to 1 MiB (F_SETPIPE_SZ)
 *   splice     the child splice()s SRC into the pipe (no copy through its
 *              own memory), the parent reads it as above: not a baseline,
 *              it shows what a pipe costs without the writer's copy
 *   file       a child copies SRC into a temporary file, then the parent
 *              reads that file back and writes /dev/null
 * Each time runs from the first fork to the last exit. A second table splits
 * the fastest shm run into its phases: put filling the object, the
 * hand-over proper, and the rest. Sizes that do not fit in /dev/shm are
 * skipped with a warning. Then `SHMIPC counter` with
 * 1, 2, 4 and 8 workers against the same loop in threads of one process.
 * With gnuplot installed, the hand-over table is also drawn into
 * shmbench-handover.png in the current folder (make bench: the build folder).
 */
#include "oslab.h"

#include <fcntl.h>       /* open, F_SETPIPE_SZ, splice */
#include <pthread.h>     /* the threaded counter */
#include <stdatomic.h>   /* atomic_fetch_add */
#include <sys/statvfs.h> /* statvfs: room in /dev/shm */
#include <sys/wait.h>    /* waitpid */

enum { ROUNDS = 3, CHUNK = 64 << 10, MAX_SIZES = 16, MAX_THREADS = 8 };
static const long long COUNTER_INCREMENTS = 2000000; /* per worker or thread */

/* Start ARGV (argv[0] a path) with stdout and stderr to /dev/null; its PID. */
static pid_t start_quiet(char *const argv[])
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null == -1 || dup2(null, STDOUT_FILENO) == -1 || dup2(null, STDERR_FILENO) == -1)
            exit_child_errno(126, "/dev/null");
        execv(argv[0], argv);
        exit_child_errno(127, "cannot exec '%s'", argv[0]);
    }
    return pid;
}

/* Wait for PID; exit if it failed (WHAT names it). */
static void wait_ok(pid_t pid, const char *what)
{
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            exit_errno("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        exit_msg("%s failed (wait status 0x%x): run it by hand to see why", what, (unsigned)status);
}

/* A page-aligned buffer of LEN bytes: glibc's memcpy is many times slower
 * when source and destination sit 16 bytes past a 4 KiB alias. */
static unsigned char *page_buffer(size_t len)
{
    void *p;
    int error = posix_memalign(&p, 4096, len);
    if (error != 0)
        exit_en(error, "posix_memalign");
    memset(p, 0, len);
    return p;
}

/* Copy FROM to TO in CHUNK-byte reads and writes until FROM ends. */
static void pump(int from, int to, unsigned char *buf)
{
    ssize_t n;
    while ((n = read(from, buf, CHUNK)) > 0)
        if (write_all(to, buf, (size_t)n) == -1)
            exit_errno("write");
    if (n == -1)
        exit_errno("read");
}

/* Move FROM (a file) into the pipe TO with splice until FROM ends: the
 * kernel hands the file's cached pages to the pipe without a copy. */
static void splice_all(int from, int to)
{
    ssize_t n;
    while ((n = splice(from, NULL, to, NULL, CHUNK, 0)) > 0)
        ;
    if (n == -1)
        exit_errno("splice");
}

/* One hand-over through a pipe (buffer PIPE_BYTES, 0: the default); the
 * writer splice()s instead of reading and writing with SPLICE. */
static void through_pipe(const char *src, int pipe_bytes, bool splice)
{
    int fds[2];
    if (pipe(fds) == -1)
        exit_errno("pipe");
    if (pipe_bytes > 0 && fcntl(fds[1], F_SETPIPE_SZ, pipe_bytes) == -1)
        exit_errno("F_SETPIPE_SZ");
    unsigned char *buf = page_buffer(CHUNK);
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        close(fds[0]);
        int in = open(src, O_RDONLY);
        if (in == -1)
            exit_child_errno(1, "open %s", src);
        if (splice)
            splice_all(in, fds[1]);
        else
            pump(in, fds[1], buf);
        _exit(0);
    }
    close(fds[1]);
    int null = open("/dev/null", O_WRONLY);
    pump(fds[0], null, buf);
    close(null);
    close(fds[0]);
    wait_ok(pid, "the pipe's writer");
    free(buf);
}

/* One hand-over through the file TMP: written by a child, read back by us. */
static void through_file(const char *src, const char *tmp)
{
    unsigned char *buf = page_buffer(CHUNK);
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        int in = open(src, O_RDONLY), out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in == -1 || out == -1)
            exit_child_errno(1, "open");
        pump(in, out, buf);
        _exit(close(out) == 0 ? 0 : 1);
    }
    wait_ok(pid, "the file's writer");
    int in = open(tmp, O_RDONLY), null = open("/dev/null", O_WRONLY);
    if (in == -1)
        exit_errno("open %s", tmp);
    pump(in, null, buf);
    close(in);
    close(null);
    unlink(tmp);
    free(buf);
}

/* One hand-over through shared memory: shmipc get, then shmipc put. From
 * put's stderr line "..., copied in F s, handed over in H s": the seconds
 * it took to create and fill the object in *FILL, and those from
 * HANDOVER_READY to the acknowledgement in *HANDOVER. */
static void through_shm(const char *shmipc, const char *src, double *fill, double *handover)
{
    char name[64];
    snprintf(name, sizeof name, "/oslab04-bench-%d", (int)getpid());
    char *get_argv[] = {(char *)shmipc, "get", name, "/dev/null", NULL};
    pid_t get = start_quiet(get_argv);
    char command[4400];
    snprintf(command, sizeof command, "'%s' put %s '%s' 2>&1", shmipc, name, src);
    FILE *put = popen(command, "r");
    if (put == NULL)
        exit_errno("popen");
    char line[512];
    *fill = -1;
    *handover = -1;
    while (fgets(line, sizeof line, put) != NULL) {
        const char *at = strstr(line, "copied in ");
        if (at != NULL)
            sscanf(at, "copied in %lf s, handed over in %lf", fill, handover);
    }
    if (pclose(put) != 0 || *fill < 0 || *handover < 0)
        exit_msg("'%s' failed", command);
    wait_ok(get, "shmipc get");
}

/* Make SRC, a file of SIZE bytes (a pattern no page of which is zero). */
static void make_source(const char *src, size_t size)
{
    int fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd == -1)
        exit_errno("create %s", src);
    unsigned char *buf = page_buffer(1 << 20);
    for (size_t i = 0; i < 1 << 20; i++)
        buf[i] = (unsigned char)(i * 131 + 7);
    for (size_t done = 0; done < size; done += 1 << 20)
        if (write_all(fd, buf, 1 << 20) == -1)
            exit_errno("write %s", src);
    if (close(fd) == -1)
        exit_errno("close %s", src);
    free(buf);
}

enum method { SHM, SHM_HANDOVER, PIPE, PIPE_1M, FILE_RW, SPLICE, METHODS };
static const char *const method_names[METHODS] = {"shm",     "shm hand-over", "pipe",
                                                  "pipe 1M", "file",          "splice"};

/* The fastest shm run of a size, split (seconds): put creating and filling
 * the object, the hand-over from ready to acknowledged, and the whole run. */
struct shm_phases {
    double fill, handover, total;
};

/* The best times in seconds of ROUNDS hand-overs of SRC by METHOD, in
 * BEST[METHOD]; a shm run also gives the best hand-over time, in
 * BEST[SHM_HANDOVER] (put's time from ready to acknowledged), and the
 * phases of its fastest run in *PHASES. */
static void best_of(enum method m, const char *shmipc, const char *src, const char *tmp,
                    double best[METHODS], struct shm_phases *phases)
{
    best[m] = 1e30;
    if (m == SHM)
        best[SHM_HANDOVER] = 1e30;
    for (int round = 0; round < ROUNDS; round++) {
        int64_t start = now_ns();
        double fill = 0, handover = 0;
        switch (m) {
        case SHM:
            through_shm(shmipc, src, &fill, &handover);
            break;
        case PIPE:
            through_pipe(src, 0, false);
            break;
        case PIPE_1M:
            through_pipe(src, 1 << 20, false);
            break;
        case SPLICE:
            through_pipe(src, 0, true);
            break;
        case FILE_RW:
            through_file(src, tmp);
            break;
        case SHM_HANDOVER: /* measured with SHM */
        case METHODS:
            break;
        }
        double s = (double)(now_ns() - start) / 1e9;
        if (s < best[m]) {
            best[m] = s;
            if (m == SHM)
                *phases = (struct shm_phases){.fill = fill, .handover = handover, .total = s};
        }
        if (m == SHM && handover < best[SHM_HANDOVER])
            best[SHM_HANDOVER] = handover;
    }
}

/* ---- The counter: processes (shmipc) against threads (here) ---------------- */

static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long long thread_value;
static _Atomic long long thread_atomic;
static bool thread_use_mutex;

/* One thread's share of the threaded counter. */
static void *count_in_thread(void *unused)
{
    (void)unused;
    for (long long i = 0; i < COUNTER_INCREMENTS; i++) {
        if (thread_use_mutex) {
            pthread_mutex_lock(&thread_lock);
            thread_value++;
            pthread_mutex_unlock(&thread_lock);
        } else {
            atomic_fetch_add_explicit(&thread_atomic, 1, memory_order_relaxed);
        }
    }
    return NULL;
}

/* ns per increment with N threads, MUTEX or atomic. */
static double threads_ns(int n, bool mutex)
{
    pthread_t threads[MAX_THREADS];
    thread_use_mutex = mutex;
    int64_t start = now_ns();
    for (int i = 0; i < n; i++) {
        int error = pthread_create(&threads[i], NULL, count_in_thread, NULL);
        if (error != 0)
            exit_en(error, "pthread_create");
    }
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    return (double)(now_ns() - start) / (double)(n * COUNTER_INCREMENTS);
}

/* ns per increment of `shmipc counter` with N workers in MODE, from its line. */
static double processes_ns(const char *shmipc, int n, const char *mode)
{
    char command[4200];
    snprintf(command, sizeof command, "'%s' counter --workers %d --increments %lld --mode %s",
             shmipc, n, COUNTER_INCREMENTS, mode);
    FILE *p = popen(command, "r");
    if (p == NULL)
        exit_errno("popen");
    char line[512];
    double ns = -1;
    while (fgets(line, sizeof line, p) != NULL) {
        const char *at = strstr(line, " s, ");
        if (at != NULL)
            sscanf(at, " s, %lf ns per increment", &ns);
    }
    if (pclose(p) != 0 || ns < 0)
        exit_msg("'%s' failed", command);
    return ns;
}

/* Draw the hand-over table with gnuplot, if it is installed. */
static void plot(const char *data_path)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        printf("(gnuplot is not installed: no plot. apt-get install gnuplot-nox)\n");
        return;
    }
    char command[4600];
    snprintf(command, sizeof command,
             "gnuplot -e \"set terminal png size 800,500; set output 'shmbench-handover.png'; "
             "set title 'Handing a file to another process'; set xlabel 'MiB'; "
             "set ylabel 'GB/s'; set logscale x 2; set key left top; "
             "plot for [c=2:7] '%s' using 1:c with linespoints title columnheader\"",
             data_path);
    char cwd[4096];
    if (system(command) == 0)
        printf("plot: %s/shmbench-handover.png\n", getcwd(cwd, sizeof cwd) ? cwd : ".");
    else
        printf("(gnuplot failed: no plot)\n");
}

int main(int argc, char *argv[])
{
    if (argc < 2)
        exit_usage("usage: shmbench SHMIPC [SIZE_MIB...]");
    const char *shmipc = argv[1];
    long sizes[MAX_SIZES] = {64, 256, 1024};
    int nsizes = 3;
    if (argc > 2) {
        nsizes = 0;
        for (int i = 2; i < argc && nsizes < MAX_SIZES; i++)
            sizes[nsizes++] = get_long(argv[i], 1, 1024, "SIZE_MIB");
    }
    const char *tmpdir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    char src[4096], tmp[4096], data[4096];
    snprintf(src, sizeof src, "%s/shmbench-src-%d", tmpdir, (int)getpid());
    snprintf(tmp, sizeof tmp, "%s/shmbench-tmp-%d", tmpdir, (int)getpid());
    snprintf(data, sizeof data, "%s/shmbench-%d.dat", tmpdir, (int)getpid());

    struct statvfs vfs;
    unsigned long long shm_free = 0;
    if (statvfs("/dev/shm", &vfs) == 0)
        shm_free = (unsigned long long)vfs.f_bavail * vfs.f_frsize;

    FILE *dat = fopen(data, "w");
    if (dat == NULL)
        exit_errno("%s", data);
    fprintf(dat, "MiB shm \"shm hand-over\" pipe \"pipe 1M\" file splice\n");
    printf("Handing a file to another process: GB/s (10^9 bytes per second), best of %d\n\n",
           ROUNDS);
    printf("| size | %s | %s | %s | %s | %s | hand-over / pipe | %s |\n", method_names[SHM],
           method_names[SHM_HANDOVER], method_names[PIPE], method_names[PIPE_1M],
           method_names[FILE_RW], method_names[SPLICE]);
    printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    fflush(stdout);
    struct shm_phases phases[MAX_SIZES];
    bool measured[MAX_SIZES] = {false};
    for (int i = 0; i < nsizes; i++) {
        size_t size = (size_t)sizes[i] << 20;
        if (size + 4096 > shm_free) {
            printf("| %ld MiB | skipped: /dev/shm has %llu MiB free (mount it larger: "
                   "docker run --shm-size=2g) |||||||\n",
                   sizes[i], shm_free >> 20);
            continue;
        }
        make_source(src, size);
        double best[METHODS], gbs[METHODS];
        for (int m = 0; m < METHODS; m++)
            if (m != SHM_HANDOVER)
                best_of(m, shmipc, src, tmp, best, &phases[i]);
        measured[i] = true;
        for (int m = 0; m < METHODS; m++)
            gbs[m] = (double)size / best[m] / 1e9;
        printf("| %ld MiB | %.2f | %.2f | %.2f | %.2f | %.2f | %.1fx | %.2f |\n", sizes[i],
               gbs[SHM], gbs[SHM_HANDOVER], gbs[PIPE], gbs[PIPE_1M], gbs[FILE_RW],
               gbs[SHM_HANDOVER] / gbs[PIPE], gbs[SPLICE]);
        fprintf(dat, "%ld %.3f %.3f %.3f %.3f %.3f %.3f\n", sizes[i], gbs[SHM],
                gbs[SHM_HANDOVER], gbs[PIPE], gbs[PIPE_1M], gbs[FILE_RW], gbs[SPLICE]);
        fflush(stdout);
        unlink(src);
    }
    fclose(dat);
    plot(data);
    unlink(data);

    printf("\nWhere the fastest shm run's time went, ms\n\n");
    printf("| size | put: create, fill, checksum | hand-over | the rest | whole run |\n");
    printf("|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < nsizes; i++) {
        if (!measured[i])
            continue;
        const struct shm_phases *p = &phases[i];
        printf("| %ld MiB | %.1f | %.1f | %.1f | %.1f |\n", sizes[i], p->fill * 1e3,
               p->handover * 1e3, (p->total - p->fill - p->handover) * 1e3, p->total * 1e3);
    }

    printf("\nA shared counter: ns per increment, %lld increments per worker\n\n",
           COUNTER_INCREMENTS);
    printf("| workers | processes mutex | threads mutex | processes atomic | threads atomic |\n");
    printf("|---:|---:|---:|---:|---:|\n");
    for (int n = 1; n <= MAX_THREADS; n *= 2) {
        printf("| %d | %.1f | %.1f | %.1f | %.1f |\n", n, processes_ns(shmipc, n, "mutex"),
               threads_ns(n, true), processes_ns(shmipc, n, "atomic"), threads_ns(n, false));
        fflush(stdout);
    }
    return 0;
}
