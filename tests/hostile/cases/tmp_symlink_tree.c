/*
 * tmp_symlink_tree - leaves in /tmp a folder anyone may write to, holding
 * links to the kit (one at the top, one deeper), and a link to the kit
 * itself: a clean-up that followed a link, or deleted by a path rebuilt
 * after checking it, would delete the kit as root. The clean-up must remove
 * the links, never what they point to (or have nothing to remove: a private
 * /tmp).
 * Class: leftovers
 * Unprivileged: yes
 */
#include <sys/stat.h> /* mkdir, chmod */

static void hostile(void)
{
    mkdir("/tmp/oslab-hostile-tree", 0777);
    chmod("/tmp/oslab-hostile-tree", 0777);
    mkdir("/tmp/oslab-hostile-tree/deeper", 0777);
    chmod("/tmp/oslab-hostile-tree/deeper", 0777);
    if (symlink("@KIT@/labs", "/tmp/oslab-hostile-tree/labs") == -1 ||
        symlink("@KIT@/labs", "/tmp/oslab-hostile-tree/deeper/labs") == -1 ||
        symlink("@KIT@", "/tmp/oslab-hostile-kit") == -1)
        perror("symlink");
}
