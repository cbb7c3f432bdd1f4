/*
 * raise_limits - tries to lift its own address-space limit (setrlimit to
 * RLIM_INFINITY), then to map more than the limit allows. A test runs
 * without the limit only if the kit's tests.def declares it (.address_space_mib
 * = OT_UNLIMITED, for a ThreadSanitizer build): a submission cannot declare
 * it for itself, and a process cannot raise its hard limit. Where a limit is
 * set and either attempt succeeds, the snippet aborts and the test crashes.
 * Class: resource abuse
 * Unprivileged: yes
 */
#include <sys/mman.h>     /* mmap */
#include <sys/resource.h> /* getrlimit, setrlimit */

static void hostile(void)
{
    struct rlimit granted;
    if (getrlimit(RLIMIT_AS, &granted) == -1 || granted.rlim_max == RLIM_INFINITY)
        return; /* a test the kit runs without the limit */
    struct rlimit lifted = {RLIM_INFINITY, RLIM_INFINITY};
    if (setrlimit(RLIMIT_AS, &lifted) == 0)
        abort();
    size_t beyond = (size_t)granted.rlim_max + ((size_t)1 << 30);
    void *map = mmap(NULL, beyond, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map != MAP_FAILED)
        abort();
}
