/* The few libc calls whose symbols glibc versioned after 2.17 (fstat/stat: 2.33, getrandom: 2.25), made
 * through syscall(2) instead, so one relay_audit.so built on a new glibc loads on RHEL 7/8 and Ubuntu 20.04
 * alike. On musl they are the same system calls. */
#ifndef RELAY_SYS_COMPAT_H
#define RELAY_SYS_COMPAT_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

int compat_fstat(int fd, struct stat *st);
int compat_stat(const char *path, struct stat *st);
/* Fills buf from the kernel's random source without blocking; returns the bytes filled (len, or less). */
ssize_t compat_random(void *buf, size_t len);

#endif
