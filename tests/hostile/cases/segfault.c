/*
 * segfault - writes to an address that is never mapped (in page 0).
 * Class: crashes
 * Unprivileged: yes
 */
#include <stdint.h> /* uintptr_t */

static void hostile(void)
{
    volatile uintptr_t address = 64; /* volatile: the compiler cannot see it is bad */
    *(volatile int *)address = 42;
}
