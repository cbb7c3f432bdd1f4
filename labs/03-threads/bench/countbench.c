/*
 * countbench.c - what sharing a counter costs (`make bench`).
 *
 *   countbench COUNTER OUTDIR
 *
 * 1. Runs COUNTER (the lab's program, built from your counter_threads.c or
 *    the reference) in each mode with 1, 2, 4, 8 and 16 threads, the fastest
 *    of 3 runs each, and prints the nanoseconds per increment as a table.
 *    Each run adds about the same total whatever the thread count, so the
 *    rows compare the cost of one increment.
 * 2. False sharing: each thread increments its own slot of one array, so
 *    nothing is shared in the program, but packed slots (8 bytes apart) sit
 *    in one 64-byte cache line and padded ones do not.
 * Writes the table also as OUTDIR/bench.dat, for gnuplot.
 */
#include "oslab.h"

#include <pthread.h>  /* the false-sharing threads */
#include <sys/wait.h> /* waitpid */

enum { ROUNDS = 3, SLOT_BYTES = 64, MAX_THREADS = 16 };

static const int thread_counts[] = {1, 2, 4, 8, 16};
enum { COLUMNS = sizeof thread_counts / sizeof thread_counts[0] };

/* Each mode and the total increments of one run (more for the cheap ones). */
static const struct {
    const char *mode;
    long total;
} modes[] = {
    {"racy", 40000000},  {"mutex", 2000000},   {"spin", 1000000},
    {"atomic", 4000000}, {"local", 200000000},
};
enum { MODES = sizeof modes / sizeof modes[0] };

/* Run COUNTER --mode MODE --threads THREADS --increments EACH; its ns per
 * increment (exits if it fails or prints no result line). */
static double run_once(const char *counter, const char *mode, int threads, long each)
{
    char threads_text[16], each_text[32];
    snprintf(threads_text, sizeof threads_text, "%d", threads);
    snprintf(each_text, sizeof each_text, "%ld", each);
    int fds[2];
    if (pipe(fds) == -1)
        exit_errno("pipe");
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(counter, counter, "--mode", mode, "--threads", threads_text, "--increments",
              each_text, (char *)NULL);
        exit_child_errno(127, "cannot exec '%s'", counter);
    }
    close(fds[1]);
    char out[1024];
    size_t used = 0;
    ssize_t n;
    while ((n = read(fds[0], out + used, sizeof out - 1 - used)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            exit_errno("waitpid");
    struct count_line line;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || parse_count_line(out, &line) == -1)
        exit_msg("%s --mode %s --threads %d failed (status 0x%x): %s", counter, mode, threads,
                 (unsigned)status, out);
    return line.ns_per_increment;
}

/* One padded slot: a cache line of its own. */
struct padded_slot {
    _Alignas(SLOT_BYTES) volatile uint64_t value;
};

/* What one false-sharing thread counts into. */
struct slot_job {
    volatile uint64_t *slot;
    long increments;
};

/* False-sharing thread: increment its own slot. */
static void *count_into_slot(void *arg)
{
    struct slot_job *job = arg;
    for (long i = 0; i < job->increments; i++)
        (*job->slot)++;
    return NULL;
}

/* ns per increment of THREADS threads, each incrementing its own slot in
 * SLOTS[i * STRIDE] (STRIDE in uint64_t units), INCREMENTS each. */
static double slots_once(volatile uint64_t *slots, size_t stride, int threads, long increments)
{
    pthread_t ids[MAX_THREADS];
    struct slot_job jobs[MAX_THREADS];
    int64_t start = now_ns();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct slot_job){.slot = &slots[(size_t)i * stride], .increments = increments};
        int error = pthread_create(&ids[i], NULL, count_into_slot, &jobs[i]);
        if (error != 0)
            exit_en(error, "pthread_create");
    }
    for (int i = 0; i < threads; i++)
        pthread_join(ids[i], NULL);
    return (double)(now_ns() - start) / ((double)increments * threads);
}

/* Print the mode table and write it to DAT, one row per thread count. */
static void mode_table(const char *counter, FILE *dat)
{
    double best[MODES][COLUMNS];
    printf("ns per increment (fastest of %d runs; each run adds about the same total)\n", ROUNDS);
    printf("%-8s", "mode");
    for (int c = 0; c < COLUMNS; c++)
        printf(" %9d thr", thread_counts[c]);
    printf("\n");
    for (int m = 0; m < MODES; m++) {
        printf("%-8s", modes[m].mode);
        for (int c = 0; c < COLUMNS; c++) {
            best[m][c] = 1e12;
            long each = modes[m].total / thread_counts[c];
            for (int r = 0; r < ROUNDS; r++) {
                double ns = run_once(counter, modes[m].mode, thread_counts[c], each);
                best[m][c] = ns < best[m][c] ? ns : best[m][c];
            }
            printf(" %13.2f", best[m][c]);
            fflush(stdout);
        }
        printf("\n");
    }
    fprintf(dat, "threads");
    for (int m = 0; m < MODES; m++)
        fprintf(dat, " %s", modes[m].mode);
    fprintf(dat, "\n");
    for (int c = 0; c < COLUMNS; c++) {
        fprintf(dat, "%d", thread_counts[c]);
        for (int m = 0; m < MODES; m++)
            fprintf(dat, " %.3f", best[m][c]);
        fprintf(dat, "\n");
    }
}

/* Print the false-sharing table: packed against padded slots. */
static void false_sharing_table(void)
{
    static struct padded_slot padded[MAX_THREADS];
    static volatile uint64_t packed[MAX_THREADS];
    const long increments = 20000000;
    printf("\nfalse sharing: each thread increments its own slot, ns per increment\n");
    printf("%-22s", "slots");
    for (int c = 0; c < COLUMNS; c++)
        printf(" %9d thr", thread_counts[c]);
    printf("\n");
    for (int padding = 0; padding < 2; padding++) {
        printf("%-22s", padding ? "padded (64 B apart)" : "packed (8 B apart)");
        for (int c = 0; c < COLUMNS; c++) {
            double best = 1e12;
            for (int r = 0; r < ROUNDS; r++) {
                double ns =
                    padding
                        ? slots_once(&padded[0].value, sizeof padded[0] / sizeof(uint64_t),
                                     thread_counts[c], increments / thread_counts[c])
                        : slots_once(packed, 1, thread_counts[c], increments / thread_counts[c]);
                best = ns < best ? ns : best;
            }
            printf(" %13.2f", best);
            fflush(stdout);
        }
        printf("\n");
    }
}

/* Measure, print, and leave OUTDIR/bench.dat for the plot. */
int main(int argc, char *argv[])
{
    if (argc != 3) {
        fprintf(stderr, "usage: countbench COUNTER OUTDIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/bench.dat", argv[2]);
    FILE *dat = fopen(path, "w");
    if (dat == NULL)
        exit_errno("create %s", path);
    printf("counter: %s, %ld CPUs online\n\n", argv[1], sysconf(_SC_NPROCESSORS_ONLN));
    mode_table(argv[1], dat);
    if (fclose(dat) == EOF)
        exit_errno("write %s", path);
    false_sharing_table();
    return 0;
}
