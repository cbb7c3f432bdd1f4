/*
 * test_counter.c - the counter: the shared mapping (Task 1) and the
 * process-shared, robust mutex (Task 2). White-box tests call shm.c's
 * functions and fork themselves; black-box tests run `shmipc counter`.
 */
#include "oslab.h"

#include <signal.h>       /* raise */
#include <sys/resource.h> /* setrlimit */
#include <sys/mman.h>     /* mmap */
#include <sys/wait.h>     /* waitpid */

#include "support.h"
#include "tests.h"

/* A number as text, for an option's value (static buffers, one per slot). */
static const char *number(int slot, long long value)
{
    static char text[4][32];
    snprintf(text[slot], sizeof text[slot], "%lld", value);
    return text[slot];
}

/* Fork a child that runs BODY(AREA) and _exits 0; wait for it; its wait status. */
static int in_child(void (*body)(struct counter_area *), struct counter_area *area)
{
    fflush(NULL);
    pid_t pid = fork();
    OT_ASSERT(pid != -1, "test: fork: %s", strerror(errno));
    if (pid == 0) {
        body(area);
        _exit(0);
    }
    int status;
    OT_ASSERT(waitpid(pid, &status, 0) == pid, "test: waitpid: %s", strerror(errno));
    return status;
}

static long long child_value; /* what the child of test_area_shared_after_fork writes */

/* The child of test_area_shared_after_fork: write into the area. */
static void write_in_child(struct counter_area *area)
{
    area->value = child_value;
    area->completed[MAX_WORKERS - 1] = child_value + 1;
}

/* The child of test_area_shared_after_fork that calls counter_area_map with
 * its address space full (RLIMIT_AS at what it uses now): _exit 0 if it
 * returned NULL with ENOMEM, 1 for MAP_FAILED, 2 for another errno, 3 for
 * a mapping. */
static void map_without_room(struct counter_area *unused)
{
    (void)unused;
    long long vm_kib = virtual_size_kib();
    struct rlimit full;
    if (vm_kib < 0 || getrlimit(RLIMIT_AS, &full) == -1)
        _exit(3);
    full.rlim_cur = (rlim_t)vm_kib * 1024;
    if (setrlimit(RLIMIT_AS, &full) == -1)
        _exit(3);
    errno = 0;
    struct counter_area *area = counter_area_map();
    if (area == MAP_FAILED)
        _exit(1);
    if (area == NULL)
        _exit(errno == ENOMEM ? 0 : 2);
    _exit(3);
}

void test_area_shared_after_fork(void)
{
    errno = 0;
    struct counter_area *area = counter_area_map();
    OT_ASSERT(area != NULL && area != MAP_FAILED, /* clause CM-1 */
              "counter_area_map() returned %p (errno: %s), expected a new mapping", (void *)area,
              strerror(errno));
    char perms[8];
    size_t length = 0;
    OT_ASSERT(mapping_of(area, perms, &length),
              "counter_area_map() returned %p, which is not "
              "in any mapping of /proc/self/maps: return what mmap returned",
              (void *)area);
    OT_ASSERT(perms[0] == 'r' && perms[1] == 'w' && perms[3] == 's', /* clause CM-1 */
              "the mapping at %p has permissions \"%s\" in /proc/self/maps, expected \"rw-s\": "
              "readable, writable and shared (MAP_SHARED)",
              (void *)area, perms);
    OT_ASSERT(length >= sizeof *area, /* clause CM-2 */
              "the mapping at %p has %zu bytes from there, less than sizeof(struct "
              "counter_area) = %zu",
              (void *)area, length, sizeof *area);
    const unsigned char *bytes = (const unsigned char *)area;
    size_t nonzero = 0;
    while (nonzero < sizeof *area && bytes[nonzero] == 0)
        nonzero++;
    OT_ASSERT(nonzero == sizeof *area, /* clause CM-3 */
              "byte %zu of the new counter_area is %d, expected every byte 0", nonzero,
              bytes[nonzero]);

    child_value = ot_random(1000, 1000000000);
    int status = in_child(write_in_child, area);
    OT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "test: the child failed (0x%x)",
              (unsigned)status);
    OT_ASSERT(area->value == child_value && /* clause CM-4 */
                  area->completed[MAX_WORKERS - 1] == child_value + 1,
              "a forked child set value = %lld in the area, but the parent sees %lld: the "
              "mapping must be MAP_SHARED so that fork shares it instead of copying it",
              child_value, (long long)area->value);

    status = in_child(map_without_room, area);
    OT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0, /* clause CM-6 */
              "with no address space left (RLIMIT_AS), counter_area_map must return NULL with "
              "errno ENOMEM; it returned %s",
              WIFEXITED(status) && WEXITSTATUS(status) == 1   ? "MAP_FAILED: check for it"
              : WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "NULL with another errno"
              : WIFEXITED(status) && WEXITSTATUS(status) == 3 ? "a mapping (test: setrlimit?)"
                                                              : "nothing: it crashed");

    errno = 0;
    int result = counter_area_unmap(area);
    OT_ASSERT(result == 0, "counter_area_unmap returned %d (%s), expected 0",
              result, /* clause CM-5 */
              strerror(errno));
    OT_ASSERT(!mapping_of(area, perms, &length), /* clause CM-5 */
              "after counter_area_unmap, %p is still mapped: munmap the whole area", (void *)area);
}

/* Run `shmipc counter --mode MODE --workers 8` with INCREMENTS each: it must
 * count exactly 8 x INCREMENTS. WHY says what that takes. */
static void expect_exact_count(const char *mode, long long increments, const char *why)
{
    const char *options[] = {
        "--mode", mode, "--workers", "8", "--increments", number(0, increments), NULL};
    struct ot_result result;
    struct count_line line;
    run_counter_ok(ot_program(), options, &result, &line);
    long long expected = (long long)line.expected, got = (long long)line.got;
    /* clause LK-1: mode mutex */
    OT_ASSERT(expected == 8 * increments && got == expected, /* clause CT-1: mode atomic */
              "8 workers x %lld increments in mode %s gave \"expected %lld, got %lld\": %s. "
              "Output: %.300s",
              increments, mode, expected, got, why, result.out);
    ot_result_free(&result);
}

void test_counter_atomic_exact(void)
{
    expect_exact_count("atomic", ot_random(20000, 60000),
                       "every increment must land in the one shared counter");
}

void test_private_contrast(void)
{
    long long increments = ot_random(10000, 40000);
    const char *shared[] = {
        "--mode", "atomic", "--workers", "4", "--increments", number(0, increments), NULL};
    struct ot_result result;
    struct count_line line;
    run_counter_ok(ot_program(), shared, &result, &line);
    OT_ASSERT((long long)line.got == 4 * increments, /* clause CT-1 */
              "in the shared mapping, 4 workers x %lld increments gave %lld, expected %lld",
              increments, (long long)line.got, 4 * increments);
    ot_result_free(&result);

    const char *private_copy[] = {
        "--mode",    "atomic", "--workers", "4", "--increments", number(0, increments),
        "--private", NULL};
    run_counter_ok(ot_program(), private_copy, &result, &line);
    OT_ASSERT(line.got == 0 && (long long)line.expected == 4 * increments, /* clause CT-2 */
              "with --private each worker counts in its own copy, so the parent must see "
              "\"expected %lld, got 0\"; it printed: %.300s",
              4 * increments, result.out);
    ot_result_free(&result);
}

void test_counter_mutex_exact(void)
{
    expect_exact_count("mutex", ot_random(20000, 50000),
                       "every increment must be made with the lock held, a lock that works "
                       "across processes");
}

/* A child that dies holding the lock, as a crashing process does. */
static void die_holding_lock(struct counter_area *area)
{
    bool recovered;
    if (counter_lock(&area->lock, &recovered) != 0)
        _exit(3);
    raise(SIGKILL);
}

/* A child that tries the lock the parent holds: exits 0 if it is busy. */
static void try_busy_lock(struct counter_area *area)
{
    _exit(pthread_mutex_trylock(&area->lock) == EBUSY ? 0 : 4);
}

void test_lock_recovers_owner_death(void)
{
    /* The test maps the area itself: this test needs Task 2 only. */
    struct counter_area *area =
        mmap(NULL, sizeof *area, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    OT_ASSERT(area != MAP_FAILED, "test: mmap: %s", strerror(errno));
    int error = counter_lock_init(&area->lock);
    OT_ASSERT(error == 0, "counter_lock_init returned %d (%s), expected 0", error, /* clause LK-2 */
              strerror(error));

    bool recovered = true;
    error = counter_lock(&area->lock, &recovered);
    OT_ASSERT(error == 0 && !recovered, /* clause LK-3 */
              "counter_lock on a free mutex returned %d with *recovered %s, expected 0 and false",
              error, recovered ? "true" : "false");
    int status = in_child(try_busy_lock, area);
    OT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0, /* clause LK-2 */
              "while the parent held the lock, a forked child could take it or got an error: "
              "the mutex must work across processes (PTHREAD_PROCESS_SHARED)");
    pthread_mutex_unlock(&area->lock);

    status = in_child(die_holding_lock, area);
    OT_ASSERT(WIFSIGNALED(status),
              "a child that called counter_lock did not get the lock "
              "(it exited %d)",
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    recovered = false;
    error = counter_lock(&area->lock, &recovered);
    OT_ASSERT(error == 0 && recovered, /* clause LK-4 */
              "after a process died holding the lock, counter_lock returned %d (%s) with "
              "*recovered %s, expected 0 and true: EOWNERDEAD means you hold the lock, call "
              "pthread_mutex_consistent",
              error, strerror(error), recovered ? "true" : "false");
    error = pthread_mutex_unlock(&area->lock);
    OT_ASSERT(error == 0, "unlock after the recovery failed: %s", strerror(error));

    error = counter_lock(&area->lock, &recovered);
    OT_ASSERT(error == 0 && !recovered, /* clause LK-4 */
              "after a recovery the mutex must work as before: counter_lock returned %d (%s), "
              "*recovered %s. Without pthread_mutex_consistent the next lock gets "
              "ENOTRECOVERABLE",
              error, strerror(error), recovered ? "true" : "false");
    pthread_mutex_unlock(&area->lock);
    munmap(area, sizeof *area);
}

void test_kill_holder_recovers(void)
{
    int workers = (int)ot_random(3, 8);
    long long increments = 2 * ot_random(5000, 20000);
    const char *options[] = {"--kill-holder", "--workers",           number(0, workers),
                             "--increments",  number(1, increments), NULL};
    struct ot_result result;
    struct count_line line;
    /* ordered/shmipc: the other workers lock only after worker 0 died, so
     * the lock is recovered and then taken again on every run, not only
     * when they had not all finished before the death. */
    run_counter_ok(ot_program_named("ordered/shmipc"), options, &result, &line);
    long long completed = (workers - 1) * increments + increments / 2;
    OT_ASSERT(strstr(result.out, "died holding the lock") != NULL && /* clause LK-5 */
                  strstr(result.out, "got EOWNERDEAD") != NULL,
              "--kill-holder: expected the line \"worker 0 (PID N) died holding the lock; ... "
              "got EOWNERDEAD and made the mutex consistent\"; the output: %.400s",
              result.out);
    long long reported = -1, counted = -1, lost = -1;
    const char *account = strstr(result.out, "\ncompleted ");
    OT_ASSERT(account != NULL && /* clause LK-5 */
                  sscanf(account,
                         "\ncompleted %lld increments (worker 0 died before the other "
                         "%*d), counted %lld, lost %lld",
                         &reported, &counted, &lost) == 3,
              "--kill-holder: expected a last line \"completed C increments (worker 0 died "
              "before the other K), counted G, lost L\"; the output: %.400s",
              result.out);
    OT_ASSERT((long long)line.got == completed && reported == completed && /* clause LK-5 */
                  counted == completed && lost == 0,
              "--kill-holder with %d workers x %lld: worker 0 dies before its increment %lld, "
              "so %lld increments complete and must all be counted; the program printed got "
              "%lld, completed %lld, counted %lld",
              workers, increments, increments / 2, completed, (long long)line.got, reported,
              counted);
    ot_result_free(&result);
}

void test_lock_attributes(void)
{
    const char *options[] = {"--mode", "mutex", "--workers", "2", "--increments", "1000", NULL};
    struct ot_result result;
    struct count_line line;
    run_counter_ok(ot_program_named("shmipc-checked"), options, &result, &line);
    const char *check = strstr(result.err, "check: pthread_mutex_init ");
    OT_ASSERT(check != NULL,
              "pthread_mutex_init was never called by counter_lock_init. stderr: "
              "%.400s",
              result.err);
    char pshared[16] = "", robust[16] = "", mapping[16] = "";
    OT_ASSERT(sscanf(check, "check: pthread_mutex_init pshared=%15s robust=%15s mapping=%15s",
                     pshared, robust, mapping) == 3,
              "test: cannot read \"%.100s\"", check);
    OT_ASSERT(strcmp(pshared, "shared") == 0, /* clause LK-2 */
              "the mutex was initialised without PTHREAD_PROCESS_SHARED "
              "(pthread_mutexattr_setpshared): a waiter in one process may then never be woken "
              "by an unlock in another");
    OT_ASSERT(strcmp(robust, "robust") == 0, /* clause LK-2 */
              "the mutex was initialised without PTHREAD_MUTEX_ROBUST "
              "(pthread_mutexattr_setrobust): a holder's death would block the others for ever");
    OT_ASSERT(strcmp(mapping, "shared") == 0, /* clause LK-2 */
              "the mutex lies in a %s mapping, expected the MAP_SHARED counter area", mapping);
    int inits = -1, destroys = -1;
    const char *attrs = strstr(result.err, "check: pthread_mutexattr ");
    OT_ASSERT(attrs != NULL && /* clause LK-6 */
                  sscanf(attrs, "check: pthread_mutexattr init=%d destroy=%d", &inits, &destroys) ==
                      2 &&
                  inits == 1 && destroys == 1,
              "counter_lock_init must make one pthread_mutexattr_t (pthread_mutexattr_init) and "
              "destroy it (pthread_mutexattr_destroy); seen: %.80s",
              attrs != NULL ? attrs : "no pthread_mutexattr_init");
    ot_result_free(&result);
}
