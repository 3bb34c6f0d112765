#define _GNU_SOURCE
#include "sys_compat.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* GRND_NONBLOCK, without <sys/random.h> (glibc 2.25). */
#define RELAY_GRND_NONBLOCK 0x0001

/* newfstatat fills the kernel's struct stat, which is libc's struct stat on x86_64 and aarch64. */
int compat_fstat(int fd, struct stat *st) {
    return (int)syscall(SYS_newfstatat, fd, "", st, AT_EMPTY_PATH);
}

int compat_stat(const char *path, struct stat *st) {
    return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, 0);
}

ssize_t compat_random(void *buf, size_t len) {
    return (ssize_t)syscall(SYS_getrandom, buf, len, RELAY_GRND_NONBLOCK);
}
