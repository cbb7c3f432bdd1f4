/*
 * exit_zero - exit(0) in the middle of the test, as if all had gone well.
 * Class: faked results
 * Unprivileged: yes
 */
static void hostile(void)
{
    exit(0);
}
