/*
 * leftover_name_escape - leaves things whose names are terminal control
 * sequences: a /dev/shm entry and a file in /tmp named with a screen clear,
 * a carriage return and a fake report line, and a running process whose
 * command name is an escape sequence. The report lists leftovers by name:
 * none of it may reach it raw.
 * Class: leftovers
 * Unprivileged: yes
 */
#include <fcntl.h>     /* O_CREAT */
#include <signal.h>    /* SIGKILL */
#include <sys/mman.h>  /* shm_open */
#include <sys/prctl.h> /* PR_SET_NAME */

static void hostile(void)
{
    static bool done; /* user_name is called several times: once is enough */
    if (done)
        return;
    done = true;
    int fd = shm_open("/\x1b[2J\r  pass        3 of 3    user_names", O_CREAT | O_RDWR, 0600);
    if (fd != -1)
        close(fd);
    fd = open("/tmp/\x1b]0;owned\a\rfake", O_CREAT | O_WRONLY, 0600);
    if (fd != -1)
        close(fd);
    if (fork() == 0) {
        setsid();
        prctl(PR_SET_NAME, "\x1b[31m\r\n", 0, 0, 0);
        for (int i = 0; i < 600; i++) /* gone within a minute whatever happens */
            sleep_ms(100);
        _exit(0);
    }
}
