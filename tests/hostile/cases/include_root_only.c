/*
 * include_root_only - includes a file only root may read. Compiled as root,
 * its contents would appear in the compiler's messages, in the report and
 * in results.json; compiled as the sandbox's UID, it cannot be read.
 * Class: compile abuse
 * Unprivileged: yes
 */
#include "/etc/shadow"
