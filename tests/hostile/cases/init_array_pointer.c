/*
 * init_array_pointer - a function pointer placed by hand in .init_array (a
 * constructor without the attribute).
 * Class: faked results
 * Unprivileged: yes
 */
static void hostile_early(void)
{
    _exit(0);
}

__attribute__((used, section(".init_array"))) static void (*const hostile_entry)(void) =
    hostile_early;
