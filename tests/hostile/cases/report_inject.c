/*
 * report_inject - writes a fake report ("pass 100/100", a perfect total) into
 * the grader's own output through /proc/PPID/fd/1 and /proc/PPID/fd/2 of
 * each of its ancestors, then carries on.
 * Class: faked results
 * Unprivileged: no (as the grader's own user it can write there)
 */
#include <fcntl.h> /* open */

static void hostile(void)
{
    static const char fake[] = "  pass       100/100  every_test    0.00 s\n"
                               "Score by lab\n  TOTAL            100/100\n";
    pid_t pid = getppid();
    for (int depth = 0; depth < 4 && pid > 1; depth++) {
        char path[64];
        for (int fd = 1; fd <= 2; fd++) {
            snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
            int out = open(path, O_WRONLY);
            if (out != -1) {
                if (write(out, fake, sizeof fake - 1) == -1)
                    _exit(1);
                close(out);
            }
        }
        /* The parent of PID: field 4 of /proc/PID/stat. */
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *stat = fopen(path, "r");
        int parent = 0;
        if (stat == NULL || fscanf(stat, "%*d (%*[^)]) %*c %d", &parent) != 1)
            parent = 0;
        if (stat != NULL)
            fclose(stat);
        pid = parent;
    }
}
