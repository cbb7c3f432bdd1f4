/*
 * forge_token - looks for the run's token in the test process's memory (the
 * stack of the functions that called it: 48 hex digits and a NUL), writes
 * "TOKEN PASS" to the result channel (descriptor 4) and ends with _exit(0),
 * found or not: the function under test never runs, so the test must fail.
 * Class: faked results
 * Unprivileged: yes
 */
#include <stdint.h> /* uintptr_t */

/* Is C a lowercase hex digit? */
static bool hostile_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The end (highest address) of the main thread's stack, from /proc/self/maps. */
static uintptr_t hostile_stack_end(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    uintptr_t end = 0;
    while (maps != NULL && fgets(line, sizeof line, maps) != NULL) {
        unsigned long lo, hi;
        if (strstr(line, "[stack]") != NULL && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            end = hi;
    }
    if (maps != NULL)
        fclose(maps);
    return end;
}

static void hostile(void)
{
    enum { TOKEN_LEN = 48 };
    uintptr_t here = (uintptr_t)__builtin_frame_address(0), end = hostile_stack_end();
    for (uintptr_t at = here + 1; end > TOKEN_LEN + 1 && at < end - TOKEN_LEN - 1; at++) {
        const char *s = (const char *)at;
        size_t n = 0;
        while (n < TOKEN_LEN && hostile_is_hex(s[n]))
            n++;
        if (n == TOKEN_LEN && s[TOKEN_LEN] == '\0' && !hostile_is_hex(s[-1])) {
            char line[TOKEN_LEN + 8];
            memcpy(line, s, TOKEN_LEN);
            memcpy(line + TOKEN_LEN, " PASS\n", 6);
            if (write(4, line, TOKEN_LEN + 6) == -1)
                break;
            _exit(0);
        }
    }
    _exit(0);
}
