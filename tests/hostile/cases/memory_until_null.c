/*
 * memory_until_null - allocates 64 MiB blocks until malloc returns NULL,
 * writes into the last one, frees them all and carries on: the address-space
 * limit must make malloc fail long before the machine runs out of memory.
 * Class: resource abuse
 * Unprivileged: yes
 */
static void hostile(void)
{
    enum { BLOCK = 64 << 20, MAX_BLOCKS = 1 << 16 };
    static char *blocks[MAX_BLOCKS];
    int count = 0;
    while (count < MAX_BLOCKS && (blocks[count] = malloc(BLOCK)) != NULL)
        count++;
    if (count > 0)
        memset(blocks[count - 1], 0x5a, BLOCK);
    while (count > 0)
        free(blocks[--count]);
}
