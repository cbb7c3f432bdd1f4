/*
 * nested_tmp_leak - leaves files inside the world-writable folders that
 * desktops keep in /tmp (/tmp/.X11-unix, /tmp/.ICE-unix), one level below
 * where a sweep of /tmp's own entries looks.
 * Class: leftovers
 * Unprivileged: no (as the grader's own user, its files in /tmp cannot be
 * told from the grader's)
 */
#include <fcntl.h> /* open */

static void hostile(void)
{
    static const char *const folders[] = {"/tmp/.X11-unix", "/tmp/.ICE-unix"};
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++) {
        char path[96];
        snprintf(path, sizeof path, "%s/hostile-%d", folders[i], (int)getpid());
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        if (fd != -1)
            close(fd);
    }
}
