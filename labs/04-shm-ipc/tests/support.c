/*
 * support.c - helpers shared by Lab 04's tests (see support.h).
 */
#include "oslab.h"

#include <dirent.h>   /* opendir: counting descriptors */
#include <fcntl.h>    /* open */
#include <sys/mman.h> /* shm_unlink */
#include <sys/wait.h> /* WIFSIGNALED */

#include "support.h"

enum { MAX_ARGS = 24 };

/* ARGV for PROGRAM followed by ARGS, in the caller's array ARGV. */
static void make_argv(const char *argv[], const char *program, const char *const args[])
{
    size_t n = 0;
    argv[n++] = program;
    for (size_t i = 0; args[i] != NULL && n < MAX_ARGS - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

void run_shmipc(const char *program, const char *const args[], int timeout_ms,
                struct ot_result *result, const char *what)
{
    const char *argv[MAX_ARGS];
    make_argv(argv, program, args);
    ot_run(argv, NULL, timeout_ms, result);
    OT_ASSERT(!result->timed_out, "%s did not end within %d ms (killed). Its stderr: %.600s", what,
              timeout_ms, result->err);
}

struct ot_session *start_shmipc(const char *program, const char *const args[])
{
    const char *argv[MAX_ARGS];
    make_argv(argv, program, args);
    return ot_start(argv);
}

int finish_shmipc(struct ot_session *s, int timeout_ms, const char *what)
{
    bool timed_out = false;
    int status = ot_wait(s, timeout_ms, &timed_out);
    OT_ASSERT(!timed_out, "%s did not end within %d ms (killed). Its stderr: %.600s", what,
              timeout_ms, ot_text(s, OT_STDERR));
    if (WIFSIGNALED(status))
        return -1;
    return WEXITSTATUS(status);
}

const char *stderr_of(struct ot_session *s)
{
    static char text[700];
    snprintf(text, sizeof text, "%.600s", ot_text(s, OT_STDERR));
    for (char *p = text; *p != '\0'; p++)
        if (*p == '\n')
            *p = ' ';
    return text;
}

bool parse_counter_line(const char *text, struct count_line *line)
{
    /* Each line in turn: the result line is the one that parses. */
    for (const char *p = text; *p != '\0';) {
        if (parse_count_line(p, line) == 0)
            return true;
        const char *newline = strchr(p, '\n');
        if (newline == NULL)
            break;
        p = newline + 1;
    }
    return false;
}

void run_counter_ok(const char *program, const char *const options[], struct ot_result *result,
                    struct count_line *line)
{
    const char *args[MAX_ARGS];
    size_t n = 0;
    args[n++] = "counter";
    for (size_t i = 0; options[i] != NULL && n < MAX_ARGS - 1; i++)
        args[n++] = options[i];
    args[n] = NULL;
    char what[256] = "shmipc counter";
    for (size_t i = 1; i < n; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), " %s", args[i]);

    run_shmipc(program, args, 10000, result, what);
    char how[64];
    OT_ASSERT(ot_exit_status(result) == 0, "'%s' %s, expected exit status 0. Its stderr: %.600s",
              what, ot_describe_status(result->status, how, sizeof how), result->err);
    OT_ASSERT(parse_counter_line(result->out, line),
              "'%s' printed no result line \"mode ...: N workers x M = expected E, got G, lost "
              "L ...\". Its stdout: %.400s",
              what, result->out);
}

char *unique_object_name(const char *tag)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "/oslab04-%s-%d", tag, (int)getpid());
    return ot_random_name(prefix);
}

bool object_exists(const char *name)
{
    char path[NAME_MAX + 16];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    return access(path, F_OK) == 0;
}

void remove_object(const char *name)
{
    shm_unlink(name);
}

unsigned char *seeded_bytes(size_t len, uint64_t seed)
{
    unsigned char *data = malloc(len);
    OT_ASSERT(data != NULL, "test: out of memory for %zu bytes", len);
    uint64_t x = seed | 1;
    for (size_t i = 0; i < len; i += 8) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        uint64_t r = x * 0x2545F4914F6CDD1DULL;
        memcpy(data + i, &r, len - i < 8 ? len - i : 8);
    }
    return data;
}

void write_bytes(const char *path, const unsigned char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    OT_ASSERT(fd != -1, "test: open %s: %s", path, strerror(errno));
    OT_ASSERT(write_all(fd, data, len) == 0, "test: write %s: %s", path, strerror(errno));
    OT_ASSERT(close(fd) == 0, "test: close %s: %s", path, strerror(errno));
}

unsigned char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 20, used = 0;
    unsigned char *buf = malloc(cap);
    OT_ASSERT(buf != NULL, "test: out of memory");
    size_t n;
    while ((n = fread(buf + used, 1, cap - used, f)) > 0) {
        used += n;
        if (used == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            OT_ASSERT(buf != NULL, "test: out of memory");
        }
    }
    fclose(f);
    *len = used;
    return buf;
}

void check_report_line(const char *stderr_text, const char *command, const char *name,
                       const unsigned char *data, size_t len)
{
    char needle[NAME_MAX + 32];
    snprintf(needle, sizeof needle, "%s %s: ", command, name);
    const char *line = strstr(stderr_text, needle);
    OT_ASSERT(line != NULL, "%s printed no line \"%s N bytes, checksum X, ...\" on stderr: %.600s",
              command, needle, stderr_text);
    unsigned long long bytes = 0, sum = 0;
    OT_ASSERT(sscanf(line + strlen(needle), "%llu bytes, checksum %llx", &bytes, &sum) == 2,
              "cannot read \"N bytes, checksum X\" in %s's line: %.200s", command, line);
    unsigned long long want = checksum64(data, len);
    OT_ASSERT(bytes == len && sum == want,
              "%s reported %llu bytes, checksum %016llx; the data has %zu bytes, checksum %016llx",
              command, bytes, sum, len, want);
}

void check_file_holds(const char *path, const unsigned char *data, size_t len, uint64_t seed,
                      const char *what)
{
    size_t got_len = 0;
    unsigned char *got = read_bytes(path, &got_len);
    OT_ASSERT(got != NULL, "%s: the output file %s was not written: %s", what, path,
              strerror(errno));
    size_t first_diff = 0;
    size_t common = got_len < len ? got_len : len;
    while (first_diff < common && got[first_diff] == data[first_diff])
        first_diff++;
    free(got);
    OT_ASSERT(got_len == len && first_diff == len,
              "%s: the output file has %zu bytes, the input %zu (random, seed %llu); the first "
              "difference is at byte %zu",
              what, got_len, len, (unsigned long long)seed, first_diff);
}

int mappings_of(const char *needle)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    OT_ASSERT(maps != NULL, "test: /proc/self/maps: %s", strerror(errno));
    char line[4096];
    int count = 0;
    while (fgets(line, sizeof line, maps) != NULL)
        if (strstr(line, needle) != NULL)
            count++;
    fclose(maps);
    return count;
}

bool mapping_of(const void *addr, char perms[8], size_t *length)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    OT_ASSERT(maps != NULL, "test: /proc/self/maps: %s", strerror(errno));
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, maps) != NULL) {
        unsigned long start, end;
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 && (unsigned long)addr >= start &&
            (unsigned long)addr < end) {
            found = true;
            *length = end - (unsigned long)addr;
        }
    }
    fclose(maps);
    return found;
}

/* This process's address space in KiB (VmSize of /proc/self/status), -1 if unknown. */
long long virtual_size_kib(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long long vm_kib = -1;
    while (status != NULL && fgets(line, sizeof line, status) != NULL)
        if (sscanf(line, "VmSize: %lld kB", &vm_kib) == 1)
            break;
    if (status != NULL)
        fclose(status);
    return vm_kib;
}
