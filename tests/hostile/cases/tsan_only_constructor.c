/*
 * tsan_only_constructor - a constructor that exists only in the build with
 * -fsanitize=thread (the race checker's), where a check of the plain build
 * alone would never see it.
 * Class: faked results
 * Unprivileged: yes
 */
#ifdef __SANITIZE_THREAD__
static void hostile_at_exit(void)
{
    puts("PASS");
}

__attribute__((constructor)) static void hostile_constructor(void)
{
    atexit(hostile_at_exit);
}
#endif
