/*
 * early_ifunc - an IFUNC resolver: code the dynamic linker runs while it
 * relocates the test binary, before main(). It reads the run's token from
 * descriptor 3, writes "TOKEN PASS" to the result channel (4) and ends the
 * process, so that every test would "pass" without running.
 * Class: faked results
 * Unprivileged: yes
 */
/* A system call without libc (which may not be relocated yet). x86-64 only. */
static long hostile_syscall(long number, long a, long b, long c)
{
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return result;
}

static void hostile_nothing(void)
{
}

static void (*hostile_resolve(void))(void)
{
    char line[160];
    long got = 0, n;
    while ((n = hostile_syscall(0 /* read */, 3, (long)(line + got), 100 - got)) > 0)
        got += n;
    if (got > 0) {
        memcpy(line + got, " PASS\n", 6);
        hostile_syscall(1 /* write */, 4, (long)line, got + 6);
        hostile_syscall(231 /* exit_group */, 0, 0, 0);
    }
    return hostile_nothing;
}

static void hostile_early(void) __attribute__((ifunc("hostile_resolve")));

static void hostile(void)
{
    hostile_early();
}
