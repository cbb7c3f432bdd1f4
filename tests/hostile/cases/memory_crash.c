/*
 * memory_crash - allocates without checking for NULL, until it writes
 * through the NULL that malloc finally returns.
 * Class: resource abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    for (;;) {
        volatile char *block = malloc(256 << 20);
        block[4096] = 1; /* one page each: cheap, and fatal on NULL */
    }
}
