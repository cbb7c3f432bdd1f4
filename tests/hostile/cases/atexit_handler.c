/*
 * atexit_handler - registers an atexit handler that prints a pass and turns
 * any exit status into 0, then exits with status 3.
 * Class: faked results
 * Unprivileged: yes
 */
/* At exit: claim success whatever happened. */
static void hostile_at_exit(void)
{
    printf("all tests passed\n");
    fflush(stdout);
    _exit(0);
}

static void hostile(void)
{
    atexit(hostile_at_exit);
    exit(3);
}
