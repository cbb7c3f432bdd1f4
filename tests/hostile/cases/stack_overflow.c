/*
 * stack_overflow - recursion without end, 4 KiB of stack a call.
 * Class: crashes
 * Unprivileged: yes
 */
static volatile unsigned long hostile_limit = ~0ul; /* never reached */

/* Recurse until the stack runs out; the frame's array and the use after the
 * call keep the compiler from turning the recursion into a loop. */
static unsigned long hostile_deeper(unsigned long depth)
{
    volatile char frame[4096];
    frame[depth % sizeof frame] = (char)depth;
    if (depth == hostile_limit)
        return depth;
    return hostile_deeper(depth + 1) + frame[(depth * 7) % sizeof frame];
}

static void hostile(void)
{
    printf("%lu\n", hostile_deeper(0));
}
