/*
 * spawnbench.c - what starting a process costs (`make bench`).
 *
 *   spawnbench [ITERATIONS [HEAP_MIB]]     defaults: 2000 256
 *
 * Times ITERATIONS rounds of each way to start a child and wait for it:
 * fork + _exit, fork + execve, vfork + execve, posix_spawn (the child
 * runs /bin/true), first from a small process, then again after the parent
 * has mapped and touched HEAP_MIB MiB of memory (ITERATIONS / 10 rounds:
 * each fork then copies the page tables of all of it), and fork + _exit
 * once more with that memory in transparent huge pages. Prints one table
 * row per case: the mean time per round (of the fastest of 5 batches, to
 * keep out the noise of other work on the machine) and rounds per second.
 */
#include "oslab.h"

#include <spawn.h>    /* posix_spawn */
#include <sys/mman.h> /* mmap, madvise */
#include <sys/wait.h> /* waitpid */

extern char **environ;

static char *const true_argv[] = {"/bin/true", NULL};

/* Wait for child PID, or exit. */
static void reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            exit_errno("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        exit_msg("a child did not exit 0 (status 0x%x): is /bin/true there?", (unsigned)status);
}

/* One round of each way to start a child. */
static void fork_exit(void)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0)
        _exit(0);
    reap(pid);
}

/* One round: fork, exec /bin/true in the child, reap it. */
static void fork_exec(void)
{
    pid_t pid = fork();
    if (pid == -1)
        exit_errno("fork");
    if (pid == 0) {
        execve(true_argv[0], true_argv, environ);
        _exit(127);
    }
    reap(pid);
}

/* One round: vfork, exec /bin/true in the child, reap it. */
static void vfork_exec(void)
{
    /* vfork: the child borrows the parent's memory until it execs or
     * _exits, and the parent waits for that: no page tables are copied. */
    pid_t pid = vfork();
    if (pid == -1)
        exit_errno("vfork");
    if (pid == 0) {
        execve(true_argv[0], true_argv, environ);
        _exit(127);
    }
    reap(pid);
}

/* One round: posix_spawn /bin/true, reap it. */
static void spawn(void)
{
    pid_t pid;
    int err = posix_spawn(&pid, true_argv[0], NULL, NULL, true_argv, environ);
    if (err != 0)
        exit_en(err, "posix_spawn");
    reap(pid);
}

/* Map BYTES of private memory, apply ADVICE (huge pages or not), and
 * touch every page so that all of it is really there. */
static char *map_heap(size_t bytes, int advice)
{
    char *heap = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (heap == MAP_FAILED)
        exit_errno("mmap %zu MiB", bytes >> 20);
    if (madvise(heap, bytes, advice) == -1 && errno != EINVAL)
        exit_errno("madvise");
    /* volatile: the compiler must not drop writes that nothing reads. */
    volatile char *page = heap;
    for (size_t offset = 0; offset < bytes; offset += 4096)
        page[offset] = 1;
    return heap;
}

/* A way to start a child, for the table. */
struct method {
    const char *name;
    void (*round)(void);
};

static const struct method methods[] = {
    {"fork + _exit + waitpid", fork_exit},
    {"fork + execve + waitpid", fork_exec},
    {"vfork + execve + waitpid", vfork_exec},
    {"posix_spawn + waitpid", spawn},
};

enum { BATCHES = 5 };

/* Time ROUNDS rounds of METHOD, in BATCHES batches, and print its row with
 * the mean of the fastest batch: other work on the machine can only slow a
 * batch down, so the fastest one is the closest to the cost itself. */
static void measure(const struct method *method, long rounds, const char *heap)
{
    method->round(); /* warm up: page in the code and /bin/true */
    long per_batch = rounds / BATCHES > 0 ? rounds / BATCHES : 1;
    double best_us = 0;
    for (int batch = 0; batch < BATCHES; batch++) {
        int64_t start = now_ns();
        for (long i = 0; i < per_batch; i++)
            method->round();
        double us = (double)(now_ns() - start) / 1000.0 / (double)per_batch;
        if (batch == 0 || us < best_us)
            best_us = us;
    }
    printf("%-26s %9s %12.1f %12.0f\n", method->name, heap, best_us, 1e6 / best_us);
    fflush(stdout);
}

int main(int argc, char *argv[])
{
    if (argc > 3)
        exit_usage("usage: spawnbench [ITERATIONS [HEAP_MIB]]");
    long iterations = argc > 1 ? get_long(argv[1], 10, 1000000, "ITERATIONS") : 2000;
    long heap_mib = argc > 2 ? get_long(argv[2], 1, 65536, "HEAP_MIB") : 256;
    size_t methods_count = sizeof methods / sizeof methods[0];

    printf("Starting a child that runs /bin/true and waiting for it: %ld rounds each\n"
           "(%ld with the large heap) in %d batches; the mean per round of the fastest batch.\n\n",
           iterations, iterations / 10, BATCHES);
    printf("%-26s %9s %12s %12s\n", "method", "heap", "us/round", "rounds/s");
    for (size_t i = 0; i < methods_count; i++)
        measure(&methods[i], iterations, "small");

    /* The large heap, in ordinary 4 KiB pages: fork copies one page-table
     * entry per page (65,536 for 256 MiB) and marks each copy-on-write. */
    size_t bytes = (size_t)heap_mib << 20;
    char *heap = map_heap(bytes, MADV_NOHUGEPAGE);
    char label[32];
    snprintf(label, sizeof label, "%ld MiB", heap_mib);
    for (size_t i = 0; i < methods_count; i++)
        measure(&methods[i], iterations / 10, label);
    if (munmap(heap, bytes) == -1)
        exit_errno("munmap");

    /* The same heap in 2 MiB huge pages (where the kernel has them): one
     * entry per 2 MiB, so fork has 512 times fewer entries to copy. */
    heap = map_heap(bytes, MADV_HUGEPAGE);
    snprintf(label, sizeof label, "%ld MiB*", heap_mib);
    measure(&methods[0], iterations / 10, label);
    if (munmap(heap, bytes) == -1)
        exit_errno("munmap");
    printf("\n* in transparent huge pages (madvise MADV_HUGEPAGE), if the kernel has them\n");
    return 0;
}
