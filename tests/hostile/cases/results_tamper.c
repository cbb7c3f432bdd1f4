/*
 * results_tamper - tries to write the grader's results where they could be:
 * the folders above its working folder (records, results.json), the kit,
 * $HOME, /autograder/results; then carries on as if nothing happened.
 * Every attempt must fail.
 * Class: faked results
 * Unprivileged: no (as the grader's own user it may write the grader's files)
 */
#include <fcntl.h> /* open */

/* Try to write a perfect score into PATH. */
static void hostile_write(const char *path)
{
    static const char forged[] =
        "{\"score\": 100, \"max_score\": 100, \"tests\": []}\n";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1)
        return;
    if (write(fd, forged, sizeof forged - 1) == -1) {
        /* nothing else to try */
    }
    close(fd);
}

static void hostile(void)
{
    static const char *const targets[] = {
        "../results.json", "../../results.json", "../../../results.json",
        "../records/x.tsv", "../../records/x.tsv", "../../records/02-proc-list.tsv",
        "../../records/01-fork-exec.tsv", "/autograder/results/results.json",
        "/root/results.json", "/results.json", "/etc/oslab-hostile",
    };
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        hostile_write(targets[i]);
    const char *kit = getenv("OSLAB_PROGRAM");
    if (kit != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s.forged", kit);
        hostile_write(path);
    }
}
