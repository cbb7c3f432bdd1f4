/*
 * define_exit - defines exit() itself, so that an exit(1) anywhere (a failed
 * check, the harness reporting a failure) would look like success.
 * Class: faked results
 * Unprivileged: yes
 */
void exit(int status)
{
    (void)status;
    _exit(0);
}
