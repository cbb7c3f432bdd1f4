/*
 * flood_forever - writes to stdout and stderr for ever.
 * Class: resource abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    static char block[1 << 16];
    memset(block, 'f', sizeof block);
    for (;;) {
        if (write(STDOUT_FILENO, block, sizeof block) == -1 ||
            write(STDERR_FILENO, block, sizeof block) == -1)
            continue;
    }
}
