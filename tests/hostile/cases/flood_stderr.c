/*
 * flood_stderr - writes 256 MiB of lines to stderr, then carries on.
 * Class: resource abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    static char block[1 << 16];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = i % 64 == 63 ? '\n' : 'e';
    for (int i = 0; i < 4096; i++)
        if (write_all(STDERR_FILENO, block, sizeof block) == -1)
            break;
}
