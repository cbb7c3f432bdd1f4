/*
 * phantom.c - linked into phantom/pslist, the pslist the listing tests run
 * (-Wl,--wrap=readdir,--wrap=closedir): a directory stream of numbered
 * entries (/proc, /proc/PID/task) gives, after its last entry, one more:
 * PHANTOM_PID, a process that cannot exist, so reading it fails with ENOENT
 * as it does for a process that ended in the middle of the scan. Every scan
 * then meets a vanished process, on every run: a scan that gives up on one
 * fails the same tests each time instead of when some process on the machine
 * happens to end at the wrong moment. Test support, not student code.
 */
#include "oslab.h"

#include <ctype.h>  /* isdigit */
#include <dirent.h> /* readdir, closedir */

struct dirent *__real_readdir(DIR *dir);
struct dirent *__wrap_readdir(DIR *dir);
int __real_closedir(DIR *dir);
int __wrap_closedir(DIR *dir);

/* One more than the largest PID Linux can give (PID_MAX_LIMIT is 2^22). */
#define PHANTOM_PID "4194304"

enum { STREAMS = 32 };

/* The open streams seen giving a numbered entry, and whether each has given
 * the phantom yet. */
static struct {
    DIR *dir;
    bool given;
} numbered[STREAMS];

/* Is NAME all digits? */
static bool is_number(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name != '\0'; name++)
        if (!isdigit((unsigned char)*name))
            return false;
    return true;
}

/* DIR's slot in numbered[]; with ADD, a free one if it has none; or NULL. */
static int slot_of(DIR *dir, bool add)
{
    for (int i = 0; i < STREAMS; i++)
        if (numbered[i].dir == dir)
            return i;
    if (add)
        for (int i = 0; i < STREAMS; i++)
            if (numbered[i].dir == NULL) {
                numbered[i].dir = dir;
                numbered[i].given = false;
                return i;
            }
    return -1;
}

/* readdir for phantom/pslist: the real entries, then the phantom once if any
 * entry was numbered. errno is left as the real readdir left it. */
struct dirent *__wrap_readdir(DIR *dir)
{
    static struct dirent phantom;
    struct dirent *entry = __real_readdir(dir);
    if (entry != NULL) {
        if (is_number(entry->d_name))
            slot_of(dir, true);
        return entry;
    }
    int slot = slot_of(dir, false);
    if (slot == -1 || numbered[slot].given)
        return NULL;
    numbered[slot].given = true;
    phantom.d_ino = 1;
    phantom.d_type = DT_DIR;
    snprintf(phantom.d_name, sizeof phantom.d_name, "%s", PHANTOM_PID);
    return &phantom;
}

/* closedir for phantom/pslist: DIR's slot is free again. */
int __wrap_closedir(DIR *dir)
{
    int slot = slot_of(dir, false);
    if (slot != -1)
        numbered[slot].dir = NULL;
    return __real_closedir(dir);
}
