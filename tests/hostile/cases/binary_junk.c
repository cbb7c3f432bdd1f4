/*
 * binary_junk - writes 8 MiB of random bytes without a newline (NULs,
 * escape sequences, invalid UTF-8, quotes, backslashes) to stdout and stderr,
 * then crashes so that the report has to show some of it.
 * Class: resource abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    static unsigned char block[1 << 16];
    unsigned long state = 0x9e3779b97f4a7c15ul ^ (unsigned long)getpid();
    const char nasty[] = "\"\\\x1b[2J\x1b]0;pwned\x07\xff\xfe\xc3\x28</failure>\t\r";
    memcpy(block, nasty, sizeof nasty - 1);
    for (size_t i = sizeof nasty - 1; i < sizeof block; i++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        block[i] = (unsigned char)state == '\n' ? 0 : (unsigned char)state;
    }
    for (int i = 0; i < 128; i++) {
        if (write_all(STDOUT_FILENO, block, sizeof block) == -1 ||
            write_all(STDERR_FILENO, block, sizeof block) == -1)
            break;
    }
    abort();
}
