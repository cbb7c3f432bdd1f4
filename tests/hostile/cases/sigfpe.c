/*
 * sigfpe - integer division by zero.
 * Class: crashes
 * Unprivileged: yes
 */
static void hostile(void)
{
    volatile int dividend = 7, zero = 0;
    volatile int quotient = dividend / zero;
    (void)quotient;
}
