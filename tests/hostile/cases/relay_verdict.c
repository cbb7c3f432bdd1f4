/*
 * relay_verdict - the relay attack of the review: on its first call in the
 * test binary, user_name() forks; the child hands the harness a pipe of its
 * own in place of the result channel (descriptor 4) and goes on with the
 * test, which fails there (its names are wrong); the parent reads what the
 * harness writes into that pipe, turns FAIL into PASS, writes it to the real
 * channel and ends with _exit(0). Plain libc, no reading of the harness's
 * memory: the messages alone must not be enough to claim a pass.
 * Class: faked results
 * Unprivileged: yes
 * Lab: 02-proc-list (it replaces user_name; pslist keeps the original)
 */
#include <sys/wait.h> /* waitpid */

void user_name(uid_t uid, char *name, size_t len)
{
    static bool started, in_child;
    if (strcmp(program_invocation_short_name, "run-tests") != 0) {
        hostile_original_user_name(uid, name, len);
        return;
    }
    if (!started) {
        started = true;
        int relay[2];
        pid_t pid = pipe(relay) == 0 ? fork() : -1;
        if (pid == 0) { /* the test goes on here, writing its verdict into the pipe */
            in_child = true;
            dup2(relay[1], 4);
            close(relay[0]);
            close(relay[1]);
        } else if (pid > 0) { /* the relay */
            static char message[32768];
            size_t got = 0;
            ssize_t n;
            close(relay[1]);
            while (got < sizeof message - 1 &&
                   (n = read(relay[0], message + got, sizeof message - 1 - got)) > 0)
                got += (size_t)n;
            message[got] = '\0';
            waitpid(pid, NULL, 0);
            char *verdict = strstr(message, "FAIL");
            if (verdict != NULL)
                memcpy(verdict, "PASS", 4);
            if (got == 0) /* the harness said nothing: claim a pass anyway */
                got = (size_t)snprintf(message, sizeof message, "0123456789abcdef PASS\n");
            if (write(4, message, got) == -1)
                _exit(1);
            _exit(0);
        }
    }
    if (in_child)
        snprintf(name, len, "not-%u", (unsigned)uid);
    else
        hostile_original_user_name(uid, name, len);
}
