/*
 * message_injection - user_name() returns a "name" made of terminal control
 * sequences: a carriage return and a fake report line, a screen clear, a
 * window title, invalid UTF-8. The test's failure message quotes it, so it
 * reaches the grader's report, where it must be shown harmlessly.
 * Class: faked results
 * Unprivileged: yes
 * Lab: 02-proc-list (it replaces user_name; its original stays callable)
 */
void user_name(uid_t uid, char *name, size_t len)
{
    hostile_original_user_name(uid, name, len);
    if (uid == 0)
        snprintf(name, len, "\r  pass        3/3    user_names\x1b[K\x1b[2J\x1b]0;x\a\xff");
}
