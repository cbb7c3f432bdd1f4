/*
 * argcheck.c - linked into shmipc-checked with -Wl,--wrap= for
 * pthread_mutex_init, pthread_mutexattr_init, pthread_mutexattr_destroy,
 * mmap and munmap: each call the lab code makes is
 * passed on unchanged, and what it was given is printed to stderr, one line
 * each, for the tests to check. Some bugs change nothing a run can show:
 * on Linux a mutex that is not process-shared mostly works across
 * processes (a waiter is not always woken, which only delays it), and a
 * munmap length short of the mapped length by less than a page unmaps the
 * same pages. The lines are:
 *
 *   check: pthread_mutex_init pshared=shared|private robust=robust|stalled
 * mapping=shared|private|none the attributes the mutex got, and the mapping it lies in
 *       (/proc/self/maps: "s" shared, "p" private, none: not in a mapping);
 *       attributes NULL count as private and stalled (the defaults)
 *   check: munmap length=L mapped=M
 *       M is the length of the mmap that returned this address, 0 if none
 *   check: still mapped length=M    (at exit: a mapping never unmapped)
 *   check: pthread_mutexattr init=I destroy=D   (at exit, if I > 0)
 *
 * Test support, not student code.
 */
#include "oslab.h"

#include <pthread.h>  /* pthread_mutexattr_get* */
#include <sys/mman.h> /* mmap */

int __real_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int __wrap_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
void *__real_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
void *__wrap_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int __real_munmap(void *addr, size_t length);
int __wrap_munmap(void *addr, size_t length);
int __real_pthread_mutexattr_init(pthread_mutexattr_t *attr);
int __wrap_pthread_mutexattr_init(pthread_mutexattr_t *attr);
int __real_pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int __wrap_pthread_mutexattr_destroy(pthread_mutexattr_t *attr);

enum { MAX_MAPPINGS = 64 };

/* The mappings made through mmap and not yet unmapped. One thread. */
static struct {
    void *addr;
    size_t length;
} mappings[MAX_MAPPINGS];
static int mapping_count;
static pid_t registered_by; /* the process whose atexit reports leftovers */
static int attr_inits, attr_destroys;

/* Print one "check: ..." line to stderr, in one write. */
OSLAB_PRINTF(1, 2)
static void check_line(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line - 2 ? (size_t)n : sizeof line - 2;
    line[len++] = '\n';
    (void)write_all(STDERR_FILENO, line, len);
}

/* At exit: every mapping still there, the attribute objects made and destroyed. */
static void report_leftovers(void)
{
    if (getpid() != registered_by)
        return;
    for (int i = 0; i < mapping_count; i++)
        check_line("check: still mapped length=%zu", mappings[i].length);
    if (attr_inits > 0)
        check_line("check: pthread_mutexattr init=%d destroy=%d", attr_inits, attr_destroys);
}

/* Report leftovers when this process exits (once). */
static void register_report(void)
{
    if (registered_by == 0) {
        registered_by = getpid();
        atexit(report_leftovers);
    }
}

int __wrap_pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
    register_report();
    attr_inits++;
    return __real_pthread_mutexattr_init(attr);
}

int __wrap_pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
    attr_destroys++;
    return __real_pthread_mutexattr_destroy(attr);
}

/* 's' or 'p' for the mapping that holds ADDR in /proc/self/maps, 0 if none. */
static char mapping_kind(const void *addr)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return 0;
    char line[4096];
    char kind = 0;
    while (kind == 0 && fgets(line, sizeof line, maps) != NULL) {
        unsigned long start, end;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 && (unsigned long)addr >= start &&
            (unsigned long)addr < end)
            kind = perms[3];
    }
    fclose(maps);
    return kind;
}

int __wrap_pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr)
{
    int pshared = PTHREAD_PROCESS_PRIVATE, robust = PTHREAD_MUTEX_STALLED;
    if (attr != NULL) {
        pthread_mutexattr_getpshared(attr, &pshared);
        pthread_mutexattr_getrobust(attr, &robust);
    }
    char kind = mapping_kind(mutex);
    check_line("check: pthread_mutex_init pshared=%s robust=%s mapping=%s",
               pshared == PTHREAD_PROCESS_SHARED ? "shared" : "private",
               robust == PTHREAD_MUTEX_ROBUST ? "robust" : "stalled",
               kind == 's'   ? "shared"
               : kind == 'p' ? "private"
                             : "none");
    return __real_pthread_mutex_init(mutex, attr);
}

void *__wrap_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    void *p = __real_mmap(addr, length, prot, flags, fd, offset);
    if (p != MAP_FAILED && mapping_count < MAX_MAPPINGS) {
        register_report();
        mappings[mapping_count].addr = p;
        mappings[mapping_count].length = length;
        mapping_count++;
    }
    return p;
}

int __wrap_munmap(void *addr, size_t length)
{
    size_t mapped = 0;
    for (int i = 0; i < mapping_count; i++) {
        if (mappings[i].addr == addr) {
            mapped = mappings[i].length;
            mappings[i] = mappings[--mapping_count];
            break;
        }
    }
    check_line("check: munmap length=%zu mapped=%zu", length, mapped);
    return __real_munmap(addr, length);
}
