/*
 * fake_summary - prints a passing CUnit summary and "PASS" lines, writes
 * pass lines into every descriptor it can, and ends with _exit(0).
 * Class: faked results
 * Unprivileged: yes
 */
static void hostile(void)
{
    static const char summary[] =
        "PASS\nok\n"
        "Run Summary:    Type  Total    Ran Passed Failed Inactive\n"
        "              suites      1      1    n/a      0        0\n"
        "               tests      1      1      1      0        0\n"
        "             asserts     10     10     10      0      n/a\n";
    fputs(summary, stdout);
    fputs(summary, stderr);
    fflush(NULL);
    for (int fd = 3; fd < 256; fd++) {
        dprintf(fd, "PASS\n");
        dprintf(fd, "0123456789abcdef0123456789abcdef0123456789abcdef PASS\n");
    }
    _exit(0);
}
