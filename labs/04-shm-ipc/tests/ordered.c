/*
 * ordered.c - linked into ordered/shmipc with -Wl,--wrap= for
 * region_create, region_publish, region_await_ack and region_attach: the
 * calls the given handover.c makes to the student's functions come here
 * first. Test support, not student code.
 *
 * put, once it has copied the whole file in (at region_publish), leaves a
 * mark in its working folder, and takes it away once get has acknowledged;
 * get, once region_attach has returned, waits for that mark (2 s at most)
 * before it copies anything out. get then never reads data that put has not
 * finished writing: a put that marks the object ready too early fails only
 * test_flag_after_data, which makes that race strike on every run, never the
 * other hand-overs by chance. Both sides run in the same folder. (A put run
 * as shmipc-racedelay leaves the same mark: tests/racedelay.c.)
 */
#include "oslab.h"

#include <fcntl.h> /* open */

#include "shm.h"

int __real_region_create(struct region *r, const char *name, size_t data_size, bool force);
int __wrap_region_create(struct region *r, const char *name, size_t data_size, bool force);
void __real_region_publish(struct region *r);
void __wrap_region_publish(struct region *r);
int __real_region_await_ack(struct region *r, int timeout_ms);
int __wrap_region_await_ack(struct region *r, int timeout_ms);
int __real_region_attach(struct region *r, const char *name, int timeout_ms);
int __wrap_region_attach(struct region *r, const char *name, int timeout_ms);

enum { COPIED_WAIT_MS = 2000 };

/* The mark for object NAME: ".copied" then NAME with '/' made '-'. */
static char mark[NAME_MAX + 16];

/* Set mark for object NAME. */
static void name_mark(const char *name)
{
    snprintf(mark, sizeof mark, ".copied%s", name);
    for (char *p = mark; *p != '\0'; p++)
        if (*p == '/')
            *p = '-';
}

int __wrap_region_create(struct region *r, const char *name, size_t data_size, bool force)
{
    name_mark(name);
    return __real_region_create(r, name, data_size, force);
}

/* put has copied everything in: leave the mark, then publish. */
void __wrap_region_publish(struct region *r)
{
    int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd != -1)
        close(fd);
    __real_region_publish(r);
}

/* get has the data: the mark goes. */
int __wrap_region_await_ack(struct region *r, int timeout_ms)
{
    int result = __real_region_await_ack(r, timeout_ms);
    unlink(mark);
    return result;
}

/* get: attached; wait until put has copied everything in. */
int __wrap_region_attach(struct region *r, const char *name, int timeout_ms)
{
    int result = __real_region_attach(r, name, timeout_ms);
    if (result == 0) {
        name_mark(name);
        int64_t deadline = now_ms() + COPIED_WAIT_MS;
        while (access(mark, F_OK) != 0 && now_ms() < deadline)
            sleep_ms(1);
    }
    return result;
}
