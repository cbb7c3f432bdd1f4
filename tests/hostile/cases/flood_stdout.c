/*
 * flood_stdout - writes 256 MiB to stdout, then carries on.
 * Class: resource abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    static char block[1 << 16];
    memset(block, 'o', sizeof block);
    for (int i = 0; i < 4096; i++)
        if (write_all(STDOUT_FILENO, block, sizeof block) == -1)
            break;
}
