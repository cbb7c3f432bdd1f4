/*
 * write_outside - tries to change the kit (the tests' table, the grader, the
 * reference solution) and to write files in /var/tmp and /run/lock, then
 * carries on. The kit must be out of its reach; what it leaves in the
 * shared folders must be found and removed.
 * Class: leftovers
 * Unprivileged: no (as the grader's own user, its files in /tmp cannot be
 * told from the grader's)
 */
#include <fcntl.h> /* open */

static void hostile(void)
{
    const char *program = getenv("OSLAB_PROGRAM");
    char path[4096];
    static const char *const kit_files[] = {
        "labs/02-proc-list/tests/tests.def", "labs/01-fork-exec/tests/tests.def",
        "scripts/grade", "solutions/02-proc-list/procfs.c",
    };
    for (size_t i = 0; i < sizeof kit_files / sizeof kit_files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", "@KIT@", kit_files[i]);
        int fd = open(path, O_WRONLY | O_APPEND);
        if (fd != -1) {
            if (write(fd, "hostile\n", 8) == -1)
                _exit(1);
            close(fd);
        }
    }
    if (program != NULL) {
        int fd = open(program, O_WRONLY | O_TRUNC);
        if (fd != -1)
            close(fd);
    }
    static const char *const shared[] = {"/var/tmp/hostile-left", "/run/lock/hostile-left"};
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        int fd = open(shared[i], O_WRONLY | O_CREAT, 0644);
        if (fd != -1)
            close(fd);
    }
}
