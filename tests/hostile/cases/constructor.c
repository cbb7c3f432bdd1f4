/*
 * constructor - a constructor that runs before main() and an atexit handler
 * registered from it.
 * Class: faked results
 * Unprivileged: yes
 */
static void hostile_at_exit(void)
{
    puts("PASS");
}

__attribute__((constructor)) static void hostile_constructor(void)
{
    atexit(hostile_at_exit);
}
