/* errno and signal numbers → their symbolic names (ENOENT, SIGTERM), without glibc ≥ 2.32's
 * strerrorname_np/sigabbrev_np, so the plugin builds on RHEL 8 (glibc 2.28), Ubuntu 20.04 and musl. */
#ifndef RELAY_NAMES_H
#define RELAY_NAMES_H

/* NULL when the number has no name here (as glibc's functions do for unknown and real-time signals). */
const char *errno_name(int err);
const char *signal_name(int sig); /* with the SIG prefix */

#endif
