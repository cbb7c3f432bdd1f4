/*
 * define_main - defines main(), to replace the test binary's own.
 * Class: faked results
 * Unprivileged: yes
 */
int main(void);

int main(void)
{
    puts("PASS");
    return 0;
}
