/*
 * exit_in_setup - exit(1) the first time the code is entered, as a student
 * who calls exit() on an error in set-up code would.
 * Class: crashes
 * Unprivileged: yes
 */
static void hostile(void)
{
    fprintf(stderr, "setup failed\n");
    exit(1);
}
