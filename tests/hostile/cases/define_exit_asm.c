/*
 * define_exit_asm - defines the symbol "exit" under another C name (an asm
 * label), hoping a check of the C source would miss it.
 * Class: faked results
 * Unprivileged: yes
 */
noreturn void hostile_exit(int status) __asm__("exit");

noreturn void hostile_exit(int status)
{
    (void)status;
    _exit(0);
}
