/* The counter is text (a decimal number) so an admin can read it with cat. Reads and writes happen under
 * flock, so concurrent sudo calls neither lose an increment nor report the same losses twice. The file
 * gets the spool's checks: a root-owned single-link regular file, never followed through a symlink. */
#define _GNU_SOURCE
#include "lost_count.h"
#include "sys_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_counter(const char *path, bool create) {
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | (create ? O_CREAT : 0), 0600);
    if (fd < 0) return -1;
    struct stat st;
    if (compat_fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1 ||
        flock(fd, LOCK_EX) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static long long read_count(int fd) {
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) return 0;
    buf[n] = '\0';
    long long v = strtoll(buf, NULL, 10);
    return v > 0 ? v : 0;
}

static bool write_count(int fd, long long v) {
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%lld\n", v > 0 ? v : 0);
    return ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) == n;
}

bool lost_count_add(const char *path, long long n) {
    int fd = open_counter(path, true);
    if (fd < 0) return false;
    bool ok = write_count(fd, read_count(fd) + n);
    close(fd);
    return ok;
}

long long lost_count_take(const char *path) {
    int fd = open_counter(path, false);
    if (fd < 0) return 0;
    long long v = read_count(fd);
    if (v > 0) write_count(fd, 0);
    close(fd);
    return v;
}
