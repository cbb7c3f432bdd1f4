/*
 * tsan_only_include - includes a file only root may read, in the build with
 * -fsanitize=thread only: that build of the student file is compiled as
 * untrusted code too, as the sandbox's UID, where it cannot be read.
 * Class: compile abuse
 * Unprivileged: yes
 */
#ifdef __SANITIZE_THREAD__
#include "/etc/shadow"
#endif
