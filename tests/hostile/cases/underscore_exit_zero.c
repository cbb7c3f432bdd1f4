/*
 * underscore_exit_zero - _exit(0) in the middle of the test (no atexit, no
 * stdio flush).
 * Class: faked results
 * Unprivileged: yes
 */
static void hostile(void)
{
    _exit(0);
}
