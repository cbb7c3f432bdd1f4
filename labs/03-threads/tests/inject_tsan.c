/*
 * inject_tsan.c - test support, not student code: race injection through
 * ThreadSanitizer's hooks, in counter-tsan only.
 *
 * An unlocked c->value++ makes no call that -Wl,--wrap could catch: it is a
 * load, an add and a store. Compiled with -fsanitize=thread, though, every
 * load and store of the student's code first calls __tsan_read8 or
 * __tsan_write8 (and atomics call __tsan_atomic64_load, ...), and those calls
 * can be wrapped. With COUNTER_INJECT_SEED set, in worker threads only,
 * before each 8-byte store (the value to store is computed by then: gcc
 * calls the hook after the load, clang does not even report the load of a
 * ++, only the store):
 *
 * - The first store of each thread to an address waits until every worker
 *   has come to its first store there too (or no new one has for 50 ms).
 *   Without mutual exclusion they all loaded the same value and all but one
 *   increment are lost, on every run; with it, the others are blocked in the
 *   lock, and the wait ends after 50 ms.
 * - After that, one store in every P (P from the seed, 64-256) sleeps
 *   100 us first: any other thread that updates the counter meanwhile
 *   without holding the same lock has its update overwritten.
 *
 * The waiting uses plain atomics and sleeps, never a pthread lock: this file
 * is compiled without -fsanitize=thread, and ThreadSanitizer must see no
 * synchronisation the student's code did not make.
 */
#include "oslab.h"

#include <stdatomic.h> /* atomic_uintptr_t */

#include "inject.h"

enum {
    SLOTS = 64,          /* addresses whose first stores are counted */
    QUIET_LIMIT_MS = 50, /* a first store waits while others keep coming */
    DELAY_US = 100,      /* the sleep before a sampled store */
};

/* ThreadSanitizer's types for 64-bit atomics and memory orders. */
typedef long tsan_atomic64;
typedef int tsan_memory_order;

void __real___tsan_write8(void *addr);
void __real___tsan_atomic64_store(volatile tsan_atomic64 *addr, tsan_atomic64 value,
                                  tsan_memory_order order);
void __wrap___tsan_write8(void *addr);
void __wrap___tsan_atomic64_store(volatile tsan_atomic64 *addr, tsan_atomic64 value,
                                  tsan_memory_order order);

/* How many workers have come to their first store to each address (an
 * open-addressed table), and when the last one came. */
static atomic_uintptr_t slot_address[SLOTS];
static atomic_int slot_arrivals[SLOTS];
static atomic_long last_arrival_ms;

/* Per worker: the addresses it has stored to, how many stores it made. */
static _Thread_local uintptr_t stored_to[8];
static _Thread_local size_t stored_count;
static _Thread_local long stores_seen;

/* The slot of ADDRESS, created if need be; -1 if the table is full. */
static int slot_of(uintptr_t address)
{
    size_t start = (size_t)(address >> 3) % SLOTS;
    for (size_t probe = 0; probe < SLOTS; probe++) {
        size_t i = (start + probe) % SLOTS;
        uintptr_t found = atomic_load(&slot_address[i]);
        if (found == address)
            return (int)i;
        uintptr_t empty = 0;
        if (found == 0 &&
            (atomic_compare_exchange_strong(&slot_address[i], &empty, address) || empty == address))
            return (int)i;
    }
    return -1;
}

/* Is this this worker's first store to ADDRESS? Remembers it. */
static bool first_store(uintptr_t address)
{
    for (size_t i = 0; i < stored_count; i++)
        if (stored_to[i] == address)
            return false;
    if (stored_count == sizeof stored_to / sizeof stored_to[0])
        return false;
    stored_to[stored_count++] = address;
    return true;
}

/* A worker is about to store to ADDRESS: hold it back as the header says. */
static void storing(uintptr_t address)
{
    if (!inject_in_worker || inject_seed() < 0)
        return;
    if (first_store(address)) {
        int slot = slot_of(address);
        if (slot < 0)
            return;
        atomic_fetch_add(&slot_arrivals[slot], 1);
        atomic_store(&last_arrival_ms, (long)now_ms());
        while (atomic_load(&slot_arrivals[slot]) < inject_threads_started() &&
               now_ms() - atomic_load(&last_arrival_ms) < QUIET_LIMIT_MS)
            inject_sleep_us(200);
        return;
    }
    long period = 64 + inject_seed() % 193;
    if (++stores_seen % period == 0)
        inject_sleep_us(DELAY_US);
}

void __wrap___tsan_write8(void *addr)
{
    storing((uintptr_t)addr);
    __real___tsan_write8(addr);
}

void __wrap___tsan_atomic64_store(volatile tsan_atomic64 *addr, tsan_atomic64 value,
                                  tsan_memory_order order)
{
    storing((uintptr_t)addr);
    __real___tsan_atomic64_store(addr, value, order);
}
