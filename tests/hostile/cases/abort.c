/*
 * abort - calls abort(), as a failed assert() would.
 * Class: crashes
 * Unprivileged: yes
 */
static void hostile(void)
{
    abort();
}
