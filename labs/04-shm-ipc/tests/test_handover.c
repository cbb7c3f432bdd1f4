/*
 * test_handover.c - put and get (Tasks 3 and 4), and the command line.
 * Black-box tests run shmipc (or ordered/shmipc, shmipc-racedelay, shmipc-checked) as put
 * and get side by side, on random data whose seed each message shows;
 * test_attach_checks_and_gives_up calls region_attach directly on objects
 * the test makes itself. Every object name holds the test's PID and a
 * random suffix, so tests of graders running at once never meet.
 */
#include "oslab.h"

#include <fcntl.h>        /* open, O_* */
#include <poll.h>         /* poll */
#include <signal.h>       /* kill */
#include <sys/mman.h>     /* shm_open, mmap */
#include <sys/resource.h> /* setrlimit */
#include <sys/stat.h>     /* mkfifo, stat */
#include <sys/wait.h>     /* waitpid */

#include "support.h"
#include "tests.h"

enum { WAIT_MS = 10000 }; /* how long a run that should succeed may take */

/* One hand-over's data: random bytes from a seed, written to in.bin. */
struct payload {
    char *name; /* the object's name (malloc'd) */
    unsigned char *data;
    size_t len;
    uint64_t seed;
};

/* Make a payload of LEN random bytes in in.bin, and a fresh name with TAG. */
static struct payload make_payload(const char *tag, size_t len)
{
    struct payload p = {.name = unique_object_name(tag), .len = len};
    p.seed = (uint64_t)ot_random(1, 0x7fffffffL);
    p.data = seeded_bytes(len, p.seed);
    write_bytes("in.bin", p.data, len);
    return p;
}

/* Free P's buffers; remove its object if a failing program left it. */
static void drop_payload(struct payload *p)
{
    remove_object(p->name);
    free(p->name);
    free(p->data);
}

/* What await_started waits for: a file (an object in /dev/shm, or get's
 * output FILE) to appear, or the program that should make it to end. */
struct start_watch {
    const char *path;
    pid_t pid;
};

/* ot_wait_until predicate: has the file of ARG (a struct start_watch)
 * appeared, or has its program ended (a zombie, or gone)? */
static bool started_or_ended(void *arg)
{
    const struct start_watch *w = arg;
    char state = ot_proc_state(w->pid);
    return access(w->path, F_OK) == 0 || state == 'Z' || state == 0;
}

/* Wait until put has created P's object, or fail saying so. */
static void await_object(struct ot_session *put, const struct payload *p)
{
    char path[NAME_MAX + 16];
    snprintf(path, sizeof path, "/dev/shm%s", p->name);
    struct start_watch watch = {path, ot_session_pid(put)};
    ot_wait_until(started_or_ended, &watch, 5000);
    OT_ASSERT(object_exists(p->name), /* clause RC-1 */
              "put never created /dev/shm%s (shm_open with O_CREAT | O_EXCL). Its stderr: %s",
              p->name, stderr_of(put));
}

/* Wait until get has opened its output FILE: it opens FILE before it looks
 * for the object, so it is then waiting for the object. */
static void await_get_waiting(struct ot_session *get, const char *file)
{
    struct start_watch watch = {file, ot_session_pid(get)};
    ot_wait_until(started_or_ended, &watch, 5000);
    OT_ASSERT(access(file, F_OK) == 0 && ot_proc_state(ot_session_pid(get)) != 'Z',
              "get did not start waiting (it opens its FILE first, then waits for the object). "
              "Its stderr: %s",
              stderr_of(get));
}

/* Size of /dev/shm/NAME, -1 if it does not exist. */
static long long object_size(const char *name)
{
    char path[NAME_MAX + 16];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* An object name and the size it should reach. */
struct sized_object {
    const char *name;
    long long size;
};

/* ot_wait_until predicate: has the object of ARG (a struct sized_object) its size? */
static bool object_has_size(void *arg)
{
    const struct sized_object *o = arg;
    return object_size(o->name) == o->size;
}

/* Which side starts first: get (waiting for the object), put, or put with
 * get started only once the object has its full size (so that get never
 * finds it 0 bytes long, region_attach's concern, test_get_waits_for_size's). */
enum start_order { GET_FIRST, PUT_FIRST, PUT_SIZED_FIRST };

/* Run put (PUT_PROGRAM) and get (GET_PROGRAM) on P, in ORDER, and
 * check everything: both exit 0, the file arrives intact, both report the
 * byte count and the checksum, nothing stays in /dev/shm. WHAT names the case. */
static void hand_over(const char *put_program, const char *get_program, enum start_order order,
                      const struct payload *p, const char *what)
{
    const char *put_args[] = {"put", p->name, "in.bin", "--timeout-ms", "10000", NULL};
    const char *get_args[] = {"get", p->name, "out.bin", "--timeout-ms", "10000", NULL};
    struct ot_session *put, *get;
    unlink("out.bin");
    if (order == GET_FIRST) {
        get = start_shmipc(get_program, get_args);
        await_get_waiting(get, "out.bin");
        put = start_shmipc(put_program, put_args);
    } else {
        put = start_shmipc(put_program, put_args);
        await_object(put, p);
        struct sized_object sized = {p->name, REGION_HEADER_SIZE + (long long)p->len};
        OT_ASSERT(order != PUT_SIZED_FIRST || ot_wait_until(object_has_size, &sized, 5000),
                  "%s: put did not size /dev/shm%s to %lld bytes (ftruncate), it is %lld. Its "
                  "stderr: %s",
                  what, p->name, sized.size, object_size(p->name), stderr_of(put));
        get = start_shmipc(get_program, get_args);
    }
    int get_status = finish_shmipc(get, WAIT_MS, "get");
    int put_status = finish_shmipc(put, WAIT_MS, "put");
    OT_ASSERT(get_status == 0, /* clause RA-1 */
              "%s: get %s (exit status; -1: killed by a signal, SIGBUS if it touched the mapping "
              "past the end of the object), expected 0. Its stderr: %s",
              what, get_status == -1 ? "was killed by a signal" : "failed", stderr_of(get));
    OT_ASSERT(put_status == 0, /* clause RC-1 */
              "%s: put exited %d (-1: killed by a signal, SIGBUS if the object was not sized "
              "with ftruncate), expected 0. Its stderr: %s",
              what, put_status, stderr_of(put));
    check_file_holds("out.bin", p->data, p->len, p->seed, what); /* clause RP-1 */
    check_report_line(ot_text(put, OT_STDERR), "put", p->name, p->data, p->len);
    check_report_line(ot_text(get, OT_STDERR), "get", p->name, p->data, p->len);
    OT_ASSERT(!object_exists(p->name), /* clause RR-1 */
              "%s: /dev/shm%s is still there after both ended: get must shm_unlink it once it "
              "has acknowledged (region_release with unlink)",
              what, p->name);
    ot_end(put);
    ot_end(get);
}

/* hand_over with put and get both ordered/shmipc: get copies out only once
 * put has copied everything in, so data marked ready too early is
 * test_flag_after_data's concern (every run), never these tests' by chance. */
static void hand_over_ordered(enum start_order order, const struct payload *p, const char *what)
{
    char program[4096];
    snprintf(program, sizeof program, "%s", ot_program_named("ordered/shmipc"));
    hand_over(program, program, order, p, what);
}

/* Create object NAME of SIZE bytes and map it; the mapping (SIZE bytes). */
static struct region_header *make_object(const char *name, size_t size)
{
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    OT_ASSERT(fd != -1, "test: shm_open %s: %s", name, strerror(errno));
    OT_ASSERT(ftruncate(fd, (off_t)size) == 0, "test: ftruncate: %s", strerror(errno));
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    OT_ASSERT(p != MAP_FAILED, "test: mmap: %s", strerror(errno));
    close(fd);
    return p;
}

void test_put_then_get(void)
{
    struct payload p = make_payload("putfirst", TEST_DATA_BYTES);
    hand_over_ordered(PUT_FIRST, &p, "put first, then get");
    drop_payload(&p);
}

void test_get_then_put(void)
{
    struct payload p = make_payload("getfirst", TEST_DATA_BYTES);
    hand_over_ordered(GET_FIRST, &p, "get first, then put"); /* clause RA-2 */
    drop_payload(&p);
    /* An empty file: the object is the header page alone, exactly
     * REGION_HEADER_SIZE bytes, which is big enough. */
    p = make_payload("empty", 0);
    hand_over_ordered(GET_FIRST, &p, "an empty file"); /* clause RA-3 */
    drop_payload(&p);
}

void test_get_waits_for_size(void)
{
    /* put holds the object at 0 bytes for 800 ms after creating it; get
     * finds it that small, both ways, even on a machine so loaded that get
     * takes long to start. get is ordered/shmipc, which copies out only once
     * put (shmipc-racedelay) has copied everything in: a ready flag set too
     * early is test_flag_after_data's concern, never this test's by chance. */
    setenv("SHMIPC_DELAY_CREATE_MS", "800", 1);
    char put_program[4096], get_program[4096];
    snprintf(put_program, sizeof put_program, "%s", ot_program_named("shmipc-racedelay"));
    snprintf(get_program, sizeof get_program, "%s", ot_program_named("ordered/shmipc"));
    struct payload p = make_payload("size", (size_t)ot_random(1 << 20, 4 << 20));
    hand_over(put_program, get_program, PUT_FIRST, &p, /* clause RA-3 */
              "put held after shm_open, before ftruncate; get started then");
    drop_payload(&p);
    p = make_payload("size", (size_t)ot_random(1 << 20, 4 << 20));
    hand_over(put_program, get_program, GET_FIRST, &p, /* clause RA-3 */
              "get waiting first; put held after shm_open, before ftruncate");
    drop_payload(&p);
    unsetenv("SHMIPC_DELAY_CREATE_MS");
}

void test_flag_after_data(void)
{
    /* put waits 600 ms before it reads the first byte of the file into the
     * mapping: whatever get reads before then is zeros. get starts once the
     * object has its size: a get that maps it before (while put has not yet
     * called ftruncate) is test_get_waits_for_size's concern, and here would
     * die of SIGBUS or not by chance. */
    setenv("SHMIPC_DELAY_COPY_MS", "600", 1);
    char program[4096];
    snprintf(program, sizeof program, "%s", ot_program_named("shmipc-racedelay"));
    struct payload p = make_payload("flag", (size_t)ot_random(4 << 20, 8 << 20));
    hand_over(program, ot_program(), PUT_SIZED_FIRST, &p, /* clause RP-2 */
              "put held 600 ms before it copies the data in; get started once the object "
              "has its size");
    drop_payload(&p);
    unsetenv("SHMIPC_DELAY_COPY_MS");
}

/* Check that object NAME has mode 0600 (the owner's alone). WHAT: whose. */
static void check_object_mode(const char *name, const char *what)
{
    char path[NAME_MAX + 16];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    struct stat st;
    OT_ASSERT(stat(path, &st) == 0, "test: stat %s: %s", path, strerror(errno));
    OT_ASSERT((st.st_mode & 07777) == 0600, /* clause RC-1 */
              "%s: /dev/shm%s has mode %04o, expected 0600: shm_open(..., 0600), the owner's "
              "alone",
              what, name, (unsigned)(st.st_mode & 07777));
}

void test_stale_object_force(void)
{
    struct payload p = make_payload("stale", (size_t)ot_random(1 << 20, 2 << 20));
    int fd = shm_open(p.name, O_RDWR | O_CREAT | O_EXCL, 0600);
    OT_ASSERT(fd != -1, "test: shm_open %s: %s", p.name, strerror(errno));
    long long stale_size = ot_random(1000, 100000);
    OT_ASSERT(ftruncate(fd, stale_size) == 0, "test: ftruncate: %s", strerror(errno));
    close(fd);

    /* region_create itself: EEXIST, and R left with no mapping. */
    struct region r;
    memset(&r, 0xa5, sizeof r);
    errno = 0;
    int created = region_create(&r, p.name, 100, false);
    int error = errno;
    OT_ASSERT(created == -1 && error == EEXIST && r.header == NULL, /* clause RC-2 */
              "region_create on an existing name without FORCE returned %d with errno %s and "
              "header %p, expected -1, EEXIST and NULL",
              created, strerrorname_np(error) ? strerrorname_np(error) : "0", (void *)r.header);

    /* And on a fresh name: the object, its size, its mapping, no descriptor left. */
    char *fresh = unique_object_name("fresh");
    size_t data_size = (size_t)ot_random(1, 100000);
    int fds = ot_open_descriptors(0);
    created = region_create(&r, fresh, data_size, false);
    OT_ASSERT(created == 0 && r.header != NULL, /* clause RC-1 */
              "region_create on a fresh name returned %d (%s)", created, strerror(errno));
    char perms[8] = "";
    size_t mapped = 0;
    bool found = mapping_of(r.header, perms, &mapped);
    OT_ASSERT(found && strcmp(perms, "rw-s") == 0 && mapped >= r.length && /* clause RC-1 */
                  r.length == REGION_HEADER_SIZE + data_size &&
                  r.data == (unsigned char *)r.header + REGION_HEADER_SIZE &&
                  r.header->data_size == data_size &&
                  object_size(fresh) == (long long)(REGION_HEADER_SIZE + data_size),
              "region_create(r, name, %zu): expected an object of %zu bytes mapped \"rw-s\" "
              "(MAP_SHARED, read and write), r->length %zu, r->data one page after r->header, "
              "header->data_size %zu; got an object of %lld bytes, a mapping \"%s\", length "
              "%zu, data_size %llu",
              data_size, REGION_HEADER_SIZE + data_size, REGION_HEADER_SIZE + data_size, data_size,
              object_size(fresh), perms, r.length, (unsigned long long)r.header->data_size);
    OT_ASSERT(atomic_load(&r.header->state) == HANDOVER_EMPTY, /* clause RC-1 */
              "a new object's state must stay HANDOVER_EMPTY until region_publish");
    OT_ASSERT(ot_open_descriptors(0) == fds, /* clause RC-1 */
              "region_create left a descriptor open: close it once the object is mapped");
    check_object_mode(fresh, "region_create");
    OT_ASSERT(region_release(&r, true) == 0 && !object_exists(fresh),
              "region_release(r, true) after region_create failed or left the object");
    free(fresh);

    const char *args[] = {"put", p.name, "in.bin", "--timeout-ms", "300", NULL};
    struct ot_result result;
    run_shmipc(ot_program(), args, WAIT_MS, &result, "put on a stale object");
    OT_ASSERT(ot_exit_status(&result) == 1 &&
                  strstr(result.err, "already exists") != NULL && /* clause RC-2 */
                  strstr(result.err, "--force") != NULL,
              "put on an existing object must exit 1 with \"put NAME: already exists ... "
              "--force ...\" (region_create fails with EEXIST); it exited %d: %.300s",
              ot_exit_status(&result), result.err);
    OT_ASSERT(object_size(p.name) == stale_size, /* clause RC-2 */
              "put without --force changed or removed the object that was there (its size "
              "was %lld, now %lld): with O_EXCL it must leave it alone",
              stale_size, object_size(p.name));
    ot_result_free(&result);

    const char *put_args[] = {"put", "--force", p.name, "in.bin", "--timeout-ms", "10000", NULL};
    const char *get_args[] = {"get", p.name, "out.bin", "--timeout-ms", "10000", NULL};
    struct ot_session *put = start_shmipc(ot_program(), put_args);
    /* A get that opened the stale object would wait on it in vain: start
     * get once put has replaced it with one of the new size. */
    struct sized_object replaced = {p.name, REGION_HEADER_SIZE + (long long)p.len};
    OT_ASSERT(ot_wait_until(object_has_size, &replaced, 5000), /* clause RC-3 */
              "put --force did not replace the stale object /dev/shm%s (size %lld, expected "
              "%lld): with FORCE, region_create must shm_unlink it and create a new one. "
              "put's stderr: %s",
              p.name, object_size(p.name), replaced.size, stderr_of(put));
    check_object_mode(p.name, "put --force"); /* clause RC-3 */
    struct ot_session *get = start_shmipc(ot_program(), get_args);
    int get_status = finish_shmipc(get, WAIT_MS, "get");
    int put_status = finish_shmipc(put, WAIT_MS, "put --force");
    OT_ASSERT(put_status == 0 && get_status == 0, /* clause RC-3 */
              "put --force over a stale object exited %d, get %d, expected 0 and 0: with FORCE, "
              "region_create must shm_unlink the old object and create a new one. put: %s",
              put_status, get_status, stderr_of(put));
    check_file_holds("out.bin", p.data, p.len, p.seed, "put --force, then get");
    OT_ASSERT(!object_exists(p.name), "/dev/shm%s is still there after put --force and get",
              p.name);
    ot_end(put);
    ot_end(get);
    drop_payload(&p);
}

void test_put_timeout_cleans_up(void)
{
    /* region_await_ack itself, on an object the test made. */
    char *name = unique_object_name("ack");
    struct region r = {.header = make_object(name, REGION_HEADER_SIZE),
                       .length = REGION_HEADER_SIZE};
    r.data = (unsigned char *)r.header + REGION_HEADER_SIZE;
    snprintf(r.name, sizeof r.name, "%s", name);
    atomic_store(&r.header->state, HANDOVER_ACKNOWLEDGED);
    errno = 0;
    int acked = region_await_ack(&r, 5000);
    OT_ASSERT(acked == 0, /* clause RW-1 */
              "region_await_ack on an object already HANDOVER_ACKNOWLEDGED returned %d (%s), "
              "expected 0",
              acked, strerror(errno));
    atomic_store(&r.header->state, HANDOVER_READY);
    int64_t start = now_ms();
    errno = 0;
    acked = region_await_ack(&r, 150);
    int error = errno;
    OT_ASSERT(acked == -1 && error == ETIMEDOUT && now_ms() - start >= 150, /* clause RW-1 */
              "region_await_ack(r, 150) with no acknowledgement returned %d (%s) after %lld ms, "
              "expected -1 with ETIMEDOUT after 150 ms",
              acked, strerror(error), (long long)(now_ms() - start));
    munmap(r.header, REGION_HEADER_SIZE);
    remove_object(name);
    free(name);

    struct payload p = make_payload("timeout", (size_t)ot_random(1 << 20, 2 << 20));
    int timeout_ms = (int)ot_random(300, 600);
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", timeout_ms);
    const char *args[] = {"put", p.name, "in.bin", "--timeout-ms", timeout, NULL};
    start = now_ms();
    struct ot_session *put = start_shmipc(ot_program(), args);
    await_object(put, &p);
    check_object_mode(p.name, "put");
    int status = finish_shmipc(put, WAIT_MS, "put with no get");
    int64_t waited = now_ms() - start;
    OT_ASSERT(status == 1 &&
                  strstr(ot_text(put, OT_STDERR), "no acknowledgement") != NULL, /* clause RW-1 */
              "put with no get and --timeout-ms %d must exit 1 with \"no acknowledgement from "
              "get within %d ms\"; it exited %d: %s",
              timeout_ms, timeout_ms, status, stderr_of(put));
    OT_ASSERT(waited >= timeout_ms, /* clause RW-1 */
              "put gave up after %lld ms, before its --timeout-ms %d: region_await_ack must "
              "wait that long for HANDOVER_ACKNOWLEDGED",
              (long long)waited, timeout_ms);
    OT_ASSERT(!object_exists(p.name), /* clause RR-2 */
              "put timed out but left /dev/shm%s: region_release(r, true) must shm_unlink it",
              p.name);
    ot_end(put);
    drop_payload(&p);
}

/* Name for create_without_room (set before the fork). */
static char *no_room_name;

/* In a child: region_create with the address space full (RLIMIT_AS at what
 * the child uses now), so that its mmap fails. _exit 0 if it returned -1
 * with ENOMEM and left no object, 1 if it returned 0, 2 for another errno,
 * 3 if the object stayed, 4 if the limit could not be set, 5 if a
 * descriptor stayed open. */
static noreturn void create_without_room(void)
{
    int fds = ot_open_descriptors(0);
    struct rlimit saved;
    long long vm_kib = virtual_size_kib();
    if (vm_kib < 0 || getrlimit(RLIMIT_AS, &saved) == -1)
        _exit(4);
    struct rlimit full = {.rlim_cur = (rlim_t)vm_kib * 1024, .rlim_max = saved.rlim_max};
    if (setrlimit(RLIMIT_AS, &full) == -1)
        _exit(4);
    struct region r;
    errno = 0;
    int result = region_create(&r, no_room_name, 1 << 20, false);
    int error = errno;
    if (setrlimit(RLIMIT_AS, &saved) == -1) /* room again, to look */
        _exit(4);
    if (result == 0)
        _exit(1);
    if (object_exists(no_room_name))
        _exit(3);
    if (ot_open_descriptors(0) != fds)
        _exit(5);
    _exit(error == ENOMEM ? 0 : 2);
}

void test_put_error_cleans_up(void)
{
    /* region_create whose mmap fails: -1 with ENOMEM, no object left. */
    no_room_name = unique_object_name("nomap");
    fflush(NULL);
    pid_t child = fork();
    OT_ASSERT(child != -1, "test: fork: %s", strerror(errno));
    if (child == 0)
        create_without_room();
    int wstatus;
    OT_ASSERT(waitpid(child, &wstatus, 0) == child, "test: waitpid: %s", strerror(errno));
    bool left = object_exists(no_room_name);
    remove_object(no_room_name);
    OT_ASSERT(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, /* clause RC-4 */
              "region_create whose mmap fails (no address space left) must return -1 with "
              "mmap's errno ENOMEM and shm_unlink the object; %s",
              !WIFEXITED(wstatus)                 ? "it crashed: check mmap against MAP_FAILED"
              : WEXITSTATUS(wstatus) == 1         ? "it returned 0"
              : WEXITSTATUS(wstatus) == 2         ? "errno was not ENOMEM"
              : WEXITSTATUS(wstatus) == 5         ? "a descriptor stayed open: close it"
              : WEXITSTATUS(wstatus) == 3 || left ? "the object stayed in /dev/shm"
                                                  : "test: setrlimit failed");
    free(no_room_name);

    /* The file is 2 MiB; put's object (a page more) cannot grow past the
     * 1 MiB file size limit that put inherits from this test: ftruncate
     * fails with EFBIG after shm_open has created the object. */
    struct payload p = make_payload("efbig", 2 << 20);
    struct rlimit saved;
    OT_ASSERT(getrlimit(RLIMIT_FSIZE, &saved) == 0, "test: getrlimit: %s", strerror(errno));
    struct rlimit small = {.rlim_cur = 1 << 20, .rlim_max = saved.rlim_max};
    OT_ASSERT(setrlimit(RLIMIT_FSIZE, &small) == 0, "test: setrlimit: %s", strerror(errno));
    const char *args[] = {"put", p.name, "in.bin", "--timeout-ms", "5000", NULL};
    struct ot_session *put = start_shmipc(ot_program(), args);
    OT_ASSERT(setrlimit(RLIMIT_FSIZE, &saved) == 0, "test: setrlimit: %s", strerror(errno));
    int status = finish_shmipc(put, WAIT_MS, "put with a file size limit");
    OT_ASSERT(status == 1 &&
                  strstr(ot_text(put, OT_STDERR), strerror(EFBIG)) != NULL, /* clause RC-4 */
              "put whose ftruncate fails must exit 1 with \"put NAME: cannot create it: %s\" "
              "(region_create returns -1 with ftruncate's errno); it exited %d: %s",
              strerror(EFBIG), status, stderr_of(put));
    OT_ASSERT(!object_exists(p.name), /* clause RC-4 */
              "region_create failed after shm_open but left /dev/shm%s: on every failure it "
              "must shm_unlink what it created",
              p.name);
    ot_end(put);

    /* The name is free again: a hand-over under it works. */
    hand_over_ordered(PUT_FIRST, &p, "put and get after a failed put");
    drop_payload(&p);
}

/* ot_wait_until predicate: has put published the object named ARG (its
 * state HANDOVER_READY), so that it now waits for get's acknowledgement? */
static bool object_published(void *arg)
{
    int fd = shm_open(arg, O_RDONLY, 0);
    if (fd == -1)
        return false;
    bool ready = false;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size >= REGION_HEADER_SIZE) {
        struct region_header *header = mmap(NULL, REGION_HEADER_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        if (header != MAP_FAILED) {
            ready = atomic_load(&header->state) == HANDOVER_READY;
            munmap(header, REGION_HEADER_SIZE);
        }
    }
    close(fd);
    return ready;
}

void test_signals_clean_up(void)
{
    struct payload p = make_payload("signal", (size_t)ot_random(1 << 20, 2 << 20));
    const char *put_args[] = {"put", p.name, "in.bin", "--timeout-ms", "10000", NULL};
    struct ot_session *put = start_shmipc(ot_program(), put_args);
    await_object(put, &p);
    /* The SIGTERM goes to a put waiting for get, once it has published: sent
     * while put still copies, it would find a put that does not wait at all
     * (test_put_timeout_cleans_up's concern) still running or already gone,
     * by chance. A put that never publishes gets it after 3 s. */
    ot_wait_until(object_published, p.name, 3000);
    kill(ot_session_pid(put), SIGTERM);
    int status = finish_shmipc(put, 3000, "put after SIGTERM");
    OT_ASSERT(status == 1 &&
                  strstr(ot_text(put, OT_STDERR), "got SIGTERM") != NULL, /* clause RW-2 */
              "put must stop waiting on SIGTERM (pause_or_give_up fails with EINTR), report "
              "\"got SIGTERM\" and exit 1; it exited %d: %s",
              status, stderr_of(put));
    OT_ASSERT(!object_exists(p.name), /* clause RR-2 */
              "put ended by SIGTERM left /dev/shm%s: it must shm_unlink what it created", p.name);
    ot_end(put);

    const char *get_args[] = {"get", p.name, "out.bin", "--timeout-ms", "10000", NULL};
    unlink("out.bin");
    struct ot_session *get = start_shmipc(ot_program(), get_args);
    await_get_waiting(get, "out.bin");
    kill(ot_session_pid(get), SIGINT);
    status = finish_shmipc(get, 3000, "get after SIGINT");
    OT_ASSERT(status == 1 &&
                  strstr(ot_text(get, OT_STDERR), "got SIGINT") != NULL, /* clause RW-2 */
              "get waiting for its object must stop on SIGINT (EINTR), report \"got SIGINT\" "
              "and exit 1; it exited %d: %s",
              status, stderr_of(get));
    OT_ASSERT(!object_exists(p.name), "get created /dev/shm%s: only put creates objects", p.name);
    ot_end(get);
    drop_payload(&p);
}

/* Read from FD (non-blocking) until WANT bytes came or TIMEOUT_MS passed; the count. */
static size_t read_some(int fd, size_t want, int timeout_ms)
{
    static unsigned char buf[1 << 16];
    size_t got = 0;
    int64_t deadline = now_ms() + timeout_ms;
    while (got < want && now_ms() < deadline) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 10) <= 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            break; /* the writer is gone */
        if (n > 0)
            got += (size_t)n;
    }
    return got;
}

void test_get_killed_mid_copy(void)
{
    /* get writes into a FIFO that the test reads 1 MiB of and then leaves:
     * get is mid-copy, blocked, when it is killed. */
    struct payload p = make_payload("killed", 8 << 20);
    OT_ASSERT(mkfifo("out.fifo", 0600) == 0, "test: mkfifo: %s", strerror(errno));
    /* 3 s: time enough for get to start and attach on a loaded machine. */
    const char *put_args[] = {"put", p.name, "in.bin", "--timeout-ms", "3000", NULL};
    const char *get_args[] = {"get", p.name, "out.fifo", "--timeout-ms", "10000", NULL};
    struct ot_session *put = start_shmipc(ot_program(), put_args);
    await_object(put, &p);
    struct ot_session *get = start_shmipc(ot_program(), get_args);
    int fd = open("out.fifo", O_RDONLY | O_NONBLOCK);
    OT_ASSERT(fd != -1, "test: open out.fifo: %s", strerror(errno));
    size_t got = read_some(fd, 1 << 20, 5000);
    OT_ASSERT(got >= 1 << 20, /* clause RA-1 */
              "get wrote only %zu bytes of the data within 5 s. get: %s", got, stderr_of(get));
    kill(ot_session_pid(get), SIGKILL);
    finish_shmipc(get, 3000, "get after SIGKILL");
    close(fd);

    int status = finish_shmipc(put, WAIT_MS, "put whose get was killed");
    OT_ASSERT(status == 1, /* clause RW-1 */
              "get was killed before it acknowledged: put must time out and exit 1; it exited "
              "%d: %s",
              status, stderr_of(put));
    OT_ASSERT(!object_exists(p.name), /* clause RR-2 */
              "get was killed mid-copy and put timed out, but /dev/shm%s is still there: put "
              "must remove its object when it gives up",
              p.name);
    ot_end(put);
    ot_end(get);
    drop_payload(&p);
}

/* Call region_attach(R, NAME, TIMEOUT_MS); expect -1 with errno WANT, no
 * mapping of NAME's object left beyond the test's own MINE, NAME still there. */
static void expect_attach_fails(const char *name, int timeout_ms, int want, int mine,
                                const char *situation)
{
    /* R holds a mapping of the test's own from before: region_attach must
     * start from an empty R, not unmap what R held. */
    void *before =
        mmap(NULL, REGION_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    OT_ASSERT(before != MAP_FAILED, "test: mmap: %s", strerror(errno));
    struct region r = {.header = before, .data = before, .length = REGION_HEADER_SIZE};
    errno = 0;
    int result = region_attach(&r, name, timeout_ms);
    int error = errno;
    char perms[8];
    size_t left = 0;
    OT_ASSERT(mapping_of(before, perms, &left), /* clause RA-4 */
              "region_attach on %s unmapped memory that R pointed to before the call: R is its "
              "output, so start from an empty R",
              situation);
    munmap(before, REGION_HEADER_SIZE);
    OT_ASSERT(result == -1 && error == want, /* clause RA-4 */
              "region_attach on %s returned %d with errno %s, expected -1 with %s", situation,
              result, strerrorname_np(error) ? strerrorname_np(error) : "0", strerrorname_np(want));
    OT_ASSERT(mappings_of(name + 1) == mine, /* clause RA-4 */
              "region_attach failed on %s but left a mapping of the object in /proc/self/maps: "
              "munmap it before returning -1",
              situation);
    if (want != ETIMEDOUT || mine > 0)
        OT_ASSERT(object_exists(name), /* clause RA-4 */
                  "region_attach failed on %s and unlinked the object: only put removes it "
                  "then",
                  situation);
}

/* For attach_without_room (set before the fork): the object, and how much
 * address space to leave beyond what the child uses. */
static const char *attach_name;
static int attach_room_kib;

/* In a child: region_attach on the ready object attach_name with
 * attach_room_kib KiB of address space to spare. _exit 0 if it returned -1
 * with ENOMEM and left no mapping of the object, 1 if it returned 0, 2 for
 * another errno, 3 if a mapping stayed, 4 if the limit could not be set. */
static noreturn void attach_without_room(void)
{
    int mine = mappings_of(attach_name + 1);
    struct rlimit saved;
    long long vm_kib = virtual_size_kib();
    if (vm_kib < 0 || getrlimit(RLIMIT_AS, &saved) == -1)
        _exit(4);
    struct rlimit full = {.rlim_cur = (rlim_t)(vm_kib + attach_room_kib) * 1024,
                          .rlim_max = saved.rlim_max};
    if (setrlimit(RLIMIT_AS, &full) == -1)
        _exit(4);
    struct region r;
    errno = 0;
    int result = region_attach(&r, attach_name, 1000);
    int error = errno;
    if (setrlimit(RLIMIT_AS, &saved) == -1)
        _exit(4);
    if (result == 0)
        _exit(1);
    if (mappings_of(attach_name + 1) != mine)
        _exit(3);
    _exit(error == ENOMEM ? 0 : 2);
}

void test_attach_checks_and_gives_up(void)
{
    char *name = unique_object_name("attach");
    int64_t start = now_ms();
    int fds = ot_open_descriptors(0);
    expect_attach_fails(name, 200, ETIMEDOUT, 0, "a name that never appears");
    OT_ASSERT(now_ms() - start >= 200, /* clause RA-4 */
              "region_attach gave up on a missing name after %lld ms, before its 200 ms",
              (long long)(now_ms() - start));

    char *empty = unique_object_name("zero");
    int zero_fd = shm_open(empty, O_RDWR | O_CREAT | O_EXCL, 0600);
    OT_ASSERT(zero_fd != -1, "test: shm_open %s: %s", empty, strerror(errno));
    close(zero_fd);
    expect_attach_fails(empty, 200, ETIMEDOUT, 0, /* clause RA-3 */
                        "an object that stays 0 bytes long (put never sized it)");
    remove_object(empty);
    free(empty);

    size_t data_size = (size_t)ot_random(100, 4000);
    size_t size = REGION_HEADER_SIZE + data_size;
    struct region_header *header = make_object(name, size);
    int mine = mappings_of(name + 1);
    expect_attach_fails(name, 200, ETIMEDOUT, mine, "an object never marked ready");

    header->data_size = data_size + (size_t)ot_random(1, 1 << 20);
    atomic_store(&header->state, HANDOVER_READY);
    expect_attach_fails(name, 2000, EBADMSG, mine,
                        "a ready object smaller than its header's data_size");

    /* A ready object, but no address space left for the header page, then
     * none for the whole object: -1 with mmap's ENOMEM, nothing left. */
    header->data_size = data_size;
    attach_name = name;
    for (int room_kib = 0; room_kib <= 4; room_kib += 4) { /* none, then the header page */
        attach_room_kib = room_kib;
        fflush(NULL);
        pid_t child = fork();
        OT_ASSERT(child != -1, "test: fork: %s", strerror(errno));
        if (child == 0)
            attach_without_room();
        int wstatus;
        OT_ASSERT(waitpid(child, &wstatus, 0) == child, "test: waitpid: %s", strerror(errno));
        OT_ASSERT(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, /* clause RA-4 */
                  "region_attach whose %s mmap fails (no address space left) must return -1 "
                  "with mmap's errno ENOMEM and leave no mapping; %s",
                  room_kib == 0 ? "first (the header page's)" : "second (the whole object's)",
                  !WIFEXITED(wstatus)         ? "it crashed: check mmap against MAP_FAILED"
                  : WEXITSTATUS(wstatus) == 1 ? "it returned 0"
                  : WEXITSTATUS(wstatus) == 2 ? "errno was not ENOMEM"
                  : WEXITSTATUS(wstatus) == 3 ? "a mapping of the object stayed"
                                              : "test: setrlimit failed");
    }
    OT_ASSERT(object_exists(name), /* clause RA-4 */
              "region_attach failed for want of memory and unlinked the object: only put "
              "removes it then");

    unsigned char *data = (unsigned char *)header + REGION_HEADER_SIZE;
    for (size_t i = 0; i < data_size; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    struct region r;
    int result = region_attach(&r, name, 2000);
    OT_ASSERT(result == 0 && r.header != NULL && r.length == size && /* clause RA-1 */
                  r.data == (unsigned char *)r.header + REGION_HEADER_SIZE,
              "region_attach on a ready object of %zu bytes returned %d (errno %s) with length "
              "%zu, data %s header + REGION_HEADER_SIZE",
              size, result, strerror(errno), r.length,
              r.data == (unsigned char *)r.header + REGION_HEADER_SIZE ? "=" : "!=");
    OT_ASSERT(memcmp(r.data, data, data_size) == 0, /* clause RA-1 */
              "region_attach's r->data does not show the object's data");
    char perms[8] = "";
    size_t mapped = 0;
    bool found = mapping_of(r.header, perms, &mapped);
    OT_ASSERT(found && strcmp(perms, "rw-s") == 0 && mapped >= size, /* clause RA-1 */
              "region_attach must map the whole object MAP_SHARED for reading and writing: "
              "its mapping is \"%s\" with %zu bytes from r->header",
              perms, mapped);
    OT_ASSERT(ot_open_descriptors(0) == fds, /* clause RA-4 */
              "region_attach (or a failed attempt) left a descriptor open: close it");
    region_acknowledge(&r);
    OT_ASSERT(atomic_load(&header->state) == HANDOVER_ACKNOWLEDGED, /* clause RK-1 */
              "after region_acknowledge the header's state is %d, expected "
              "HANDOVER_ACKNOWLEDGED (2)",
              atomic_load(&header->state));
    result = region_release(&r, true);
    OT_ASSERT(result == 0 && r.header == NULL && r.data == NULL && r.length == 0, /* clause RR-1 */
              "region_release(r, true) returned %d (%s), header %p, data %p, length %zu: "
              "expected 0, NULL, NULL, 0",
              result, strerror(errno), (void *)r.header, (void *)r.data, r.length);
    OT_ASSERT(!object_exists(name) && mappings_of(name + 1) == mine, /* clause RR-1 */
              "after region_release(r, true) the object must be unlinked and get's mapping gone");

    /* munmap fails (EINVAL) for an address that is not page-aligned. */
    static char not_mapped[2 * REGION_HEADER_SIZE];
    struct region bad = {.header = (struct region_header *)(not_mapped + 1),
                         .data = (unsigned char *)not_mapped + REGION_HEADER_SIZE,
                         .length = REGION_HEADER_SIZE};
    snprintf(bad.name, sizeof bad.name, "%s", name);
    errno = 0;
    result = region_release(&bad, false);
    int error = errno;
    OT_ASSERT(result == -1 && error == EINVAL && bad.header == NULL && /* clause RR-4 */
                  bad.data == NULL && bad.length == 0,
              "region_release on a mapping munmap refuses returned %d with errno %s, header %p, "
              "length %zu: expected -1 with munmap's EINVAL, and R emptied all the same",
              result, strerrorname_np(error) ? strerrorname_np(error) : "0", (void *)bad.header,
              bad.length);

    /* shm_unlink's errors: ENOENT (gone already) is none; any other is
     * returned, after munmap's if munmap failed first. "/.." is EISDIR. */
    struct region gone = {.header = NULL};
    snprintf(gone.name, sizeof gone.name, "%s", name);
    remove_object(name);
    errno = 0;
    result = region_release(&gone, true);
    OT_ASSERT(result == 0, /* clause RR-1 */
              "region_release(r, true) for an object already removed returned %d (%s), "
              "expected 0: ENOENT from shm_unlink is no error",
              result, strerror(errno));
    snprintf(gone.name, sizeof gone.name, "/..");
    errno = 0;
    result = region_release(&gone, true);
    error = errno;
    OT_ASSERT(result == -1 && error == EISDIR, /* clause RR-4 */
              "region_release(r, true) whose shm_unlink fails with EISDIR returned %d with "
              "errno %s, expected -1 with EISDIR",
              result, strerrorname_np(error) ? strerrorname_np(error) : "0");
    bad.header = (struct region_header *)(not_mapped + 1);
    snprintf(bad.name, sizeof bad.name, "/..");
    errno = 0;
    result = region_release(&bad, true);
    error = errno;
    OT_ASSERT(result == -1 && error == EINVAL, /* clause RR-4 */
              "region_release whose munmap fails (EINVAL) and then shm_unlink (EISDIR) "
              "returned %d with errno %s, expected -1 with the first failure's EINVAL",
              result, strerrorname_np(error) ? strerrorname_np(error) : "0");
    munmap(header, size);
    free(name);
}

/* Check every "check: munmap length=L mapped=M" line of TEXT (L == M, M
 * not 0) and that there is no "still mapped" line; how many there were. */
static int check_munmaps(const char *text, const char *what)
{
    int count = 0;
    const char *line = text;
    while ((line = strstr(line, "check: munmap ")) != NULL) {
        unsigned long long length = 0, mapped = 0;
        OT_ASSERT(sscanf(line, "check: munmap length=%llu mapped=%llu", &length, &mapped) == 2,
                  "test: cannot read \"%.60s\"", line);
        OT_ASSERT(mapped != 0, /* clause RR-3 */
                  "%s: munmap was given an address that no mmap returned (length %llu)", what,
                  length);
        OT_ASSERT(length == mapped, /* clause RR-3 */
                  "%s: munmap was given %llu bytes for a mapping made with %llu: give munmap the "
                  "length you gave mmap",
                  what, length, mapped);
        count++;
        line++;
    }
    const char *left = strstr(text, "check: still mapped");
    OT_ASSERT(left == NULL, "%s: a mapping was never unmapped (%.60s)", what, /* clause RR-3 */
              left);
    return count;
}

void test_munmap_lengths(void)
{
    const char *checked = ot_program_named("shmipc-checked");
    char program[4096];
    snprintf(program, sizeof program, "%s", checked);

    const char *options[] = {"--mode", "atomic", "--workers", "2", "--increments", "1000", NULL};
    struct ot_result result;
    struct count_line line;
    run_counter_ok(program, options, &result, &line);
    int count = check_munmaps(result.err, "shmipc counter");
    OT_ASSERT(count == 1, /* clause CM-5 */
              "shmipc counter made %d munmap calls, expected 1 (counter_area_unmap)", count);
    ot_result_free(&result);

    /* Not a whole number of pages: a length one page short differs. */
    struct payload p = make_payload("munmap", (size_t)ot_random(100000, 200000) | 1);
    const char *put_args[] = {"put", p.name, "in.bin", "--timeout-ms", "10000", NULL};
    const char *get_args[] = {"get", p.name, "out.bin", "--timeout-ms", "10000", NULL};
    struct ot_session *put = start_shmipc(program, put_args);
    await_object(put, &p);
    struct ot_session *get = start_shmipc(program, get_args);
    int get_status = finish_shmipc(get, WAIT_MS, "get");
    int put_status = finish_shmipc(put, WAIT_MS, "put");
    OT_ASSERT(get_status == 0 && put_status == 0, "put exited %d, get %d, expected 0 and 0: %s",
              put_status, get_status, stderr_of(get));
    count = check_munmaps(ot_text(put, OT_STDERR), "put");
    OT_ASSERT(count >= 1, "put never called munmap: region_release must unmap"); /* clause RR-3 */
    count = check_munmaps(ot_text(get, OT_STDERR), "get");
    OT_ASSERT(count >= 1, "get never called munmap: region_release must unmap"); /* clause RR-3 */
    ot_end(put);
    ot_end(get);
    drop_payload(&p);
}

/* Run shmipc with ARGS; it must exit 2 with one line and the --help hint. */
static void expect_usage_error(const char *const args[], const char *what)
{
    struct ot_result result;
    run_shmipc(ot_program(), args, 5000, &result, what);
    const char *hint = strstr(result.err, "Try 'shmipc --help'.");
    const char *newline = strchr(result.err, '\n');
    OT_ASSERT(ot_exit_status(&result) == 2 && hint != NULL && newline != NULL && /* clause CL-1 */
                  newline + 1 == hint,
              "%s: expected exit status 2, one line saying what is wrong, then \"Try 'shmipc "
              "--help'.\"; got exit status %d and stderr: %.300s",
              what, ot_exit_status(&result), result.err);
    ot_result_free(&result);
}

void test_bad_input(void)
{
    char *name = unique_object_name("bad");
    char long_name[NAME_MAX + 3];
    long_name[0] = '/';
    memset(long_name + 1, 'x', NAME_MAX + 1);
    long_name[NAME_MAX + 2] = '\0';
    const struct {
        const char *args[8];
        const char *what;
    } cases[] = {
        {{NULL}, "no command"},
        {{"frobnicate", NULL}, "an unknown command"},
        {{"count", NULL}, "an abbreviated command"},
        {{"counter", "--workers", "0", NULL}, "--workers 0"},
        {{"counter", "--workers", "65", NULL}, "--workers 65"},
        {{"counter", "--workers", "4x", NULL}, "--workers 4x"},
        {{"counter", "--increments", "-1", NULL}, "--increments -1"},
        {{"counter", "--increments", "99999999999", NULL}, "--increments 99999999999"},
        {{"counter", "--mode", "at", NULL}, "--mode at (an abbreviation)"},
        {{"counter", "--mode", "spin", NULL}, "--mode spin"},
        {{"counter", "extra", NULL}, "counter with an argument"},
        {{"counter", "--kill-holder", "--mode", "atomic", NULL}, "--kill-holder without mutex"},
        {{"counter", "--timeout-ms", "100", NULL}, "--timeout-ms with counter"},
        {{"put", "noslash", "in.bin", NULL}, "a name without '/'"},
        {{"put", "/a/b", "in.bin", NULL}, "a name with a second '/'"},
        {{"get", "/", "out.bin", NULL}, "the name '/'"},
        {{"put", long_name, "in.bin", NULL}, "a name longer than NAME_MAX"},
        {{"put", name, NULL}, "put without FILE"},
        {{"get", name, "out.bin", "extra", NULL}, "get with an extra argument"},
        {{"get", "--force", name, "out.bin", NULL}, "--force with get"},
        {{"put", name, "in.bin", "--timeout-ms", "0", NULL}, "--timeout-ms 0"},
        {{"put", name, "in.bin", "--workers", "2", NULL}, "--workers with put"},
        {{"--bogus", NULL}, "an unknown option"},
    };
    ot_write_file("in.bin", "data\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_usage_error(cases[i].args, cases[i].what);
    OT_ASSERT(!object_exists(name), "a refused command created /dev/shm%s", name);

    /* And a correct command works. */
    const char *options[] = {"--mode", "mutex", "--workers", "2", "--increments", "5000", NULL};
    struct ot_result result;
    struct count_line line;
    run_counter_ok(ot_program(), options, &result, &line);
    OT_ASSERT(line.got == 10000,
              "'shmipc counter --mode mutex --workers 2 --increments 5000' "
              "counted %lld, expected 10000",
              (long long)line.got);
    ot_result_free(&result);
    free(name);
}
