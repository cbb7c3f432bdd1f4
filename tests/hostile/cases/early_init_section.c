/*
 * early_init_section - puts a call into the .init section, which the C
 * start-up code runs before main(): it writes a fake pass and ends the
 * process before any test can run. (No .init_array, no constructor.)
 * Class: faked results
 * Unprivileged: yes
 */
__asm__(".section .init,\"ax\",@progbits\n"
        "\tcall hostile_before_main\n"
        "\t.text\n");

__attribute__((used)) static void hostile_before_main(void)
{
    static const char fake[] = "Run Summary: tests 1 1 1 0 0\nPASS\n";
    char token[128];
    ssize_t got = read(3, token, sizeof token - 8);
    if (got > 0) {
        memcpy(token + got, " PASS\n", 6);
        if (write(4, token, (size_t)got + 6) == -1)
            _exit(1);
    }
    if (write(STDOUT_FILENO, fake, sizeof fake - 1) == -1)
        _exit(1);
    _exit(0);
}
