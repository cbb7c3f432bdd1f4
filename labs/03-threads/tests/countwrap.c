/*
 * countwrap.c - linked with -Wl,--wrap= for count_mutex, count_spin,
 * count_atomic and count_local: the given worker_main's call to each goes to
 * count_wrapped (countwrap.h) with the real function. Test support, not
 * student code.
 */
#include "oslab.h"

#include "countwrap.h"

void __real_count_mutex(struct counter *c);
void __wrap_count_mutex(struct counter *c);
void __real_count_spin(struct counter *c);
void __wrap_count_spin(struct counter *c);
void __real_count_atomic(struct counter *c);
void __wrap_count_atomic(struct counter *c);
void __real_count_local(struct counter *c);
void __wrap_count_local(struct counter *c);

void __wrap_count_mutex(struct counter *c)
{
    count_wrapped(__real_count_mutex, c);
}

void __wrap_count_spin(struct counter *c)
{
    count_wrapped(__real_count_spin, c);
}

void __wrap_count_atomic(struct counter *c)
{
    count_wrapped(__real_count_atomic, c);
}

void __wrap_count_local(struct counter *c)
{
    count_wrapped(__real_count_local, c);
}
