/* Sending never blocks sudo for longer than the budget: the socket is non-blocking and waits for buffer
 * space are counted against timeout_ms for the whole sudo call. Each line gets its own connection, so a
 * long-running command holds no connection open and relay sees one complete line then EOF. */
#define _GNU_SOURCE
#include "transport.h"

#include "lost_count.h"
#include "sys_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void transport_init(struct transport *t, const char *socket_path, const char *spool_path,
                    long long spool_max, int timeout_ms) {
    memset(t, 0, sizeof(*t));
    t->socket_path = socket_path;
    t->spool_path = spool_path;
    t->spool_max = spool_max;
    t->budget_ns = (long long)timeout_ms * 1000000LL;
    t->gave_up = socket_path[0] == '\0';
    if (spool_path[0] != '\0') {
        int n = snprintf(t->lost_path, sizeof(t->lost_path), "%s.lost", spool_path);
        if (n < 0 || (size_t)n >= sizeof(t->lost_path)) t->lost_path[0] = '\0';
    }
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* No listener (ENOENT, ECONNREFUSED) or a full backlog (EAGAIN) fails at once: waiting would not help. */
static int connect_socket(const char *path) {
    struct sockaddr_un addr;
    size_t len = strlen(path);
    if (len >= sizeof(addr.sun_path)) return -1;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, len + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Waits for POLLOUT within what is left of the budget; false once the budget is spent. */
static bool wait_writable(struct transport *t, int fd) {
    long long left = t->budget_ns - t->waited_ns;
    if (left <= 0) return false;
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    struct timespec ts = {.tv_sec = left / 1000000000LL, .tv_nsec = left % 1000000000LL};
    long long start = now_ns();
    int rc = ppoll(&pfd, 1, &ts, NULL);
    t->waited_ns += now_ns() - start;
    return rc > 0 || (rc < 0 && errno == EINTR);
}

/* Sends with the plugin's effective ids attached (SCM_CREDENTIALS): a receiver that reads credentials
 * (syslog-ng's ${.unix.uid}) otherwise gets the kernel's default, the sender's real uid, which inside sudo
 * is the calling user's. The kernel refuses ids a process does not hold (EPERM), so they cannot be forged;
 * a receiver that does not ask for credentials never sees them. */
static ssize_t send_with_creds(int fd, const char *data, size_t len) {
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct ucred))];
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_CREDENTIALS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred cred = {.pid = getpid(), .uid = geteuid(), .gid = getegid()};
    memcpy(CMSG_DATA(cmsg), &cred, sizeof(cred));
    return sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Waits, within what is left of the budget, until the receiver has read every byte sent: a receiver that
 * is stopped or hung still takes connections and bytes into its backlog, and would lose them if it died.
 * False when bytes are still unread once the budget is spent (the line then goes to the spool as well;
 * relay drops the same line seen twice by its id). */
static bool wait_read(struct transport *t, int fd) {
    for (;;) {
        int unread = 0;
        /* SIOCOUTQ, under the name both libcs' <sys/ioctl.h> give it: bytes the receiver has not read yet. */
        if (ioctl(fd, TIOCOUTQ, &unread) != 0) return true; /* cannot tell: trust the send */
        if (unread == 0) return true;
        long long left = t->budget_ns - t->waited_ns;
        if (left <= 0) return false;
        long long step = left < 1000000LL ? left : 1000000LL;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = step};
        long long start = now_ns();
        nanosleep(&ts, NULL);
        t->waited_ns += now_ns() - start;
    }
}

/* True only if the whole line went out and the receiver read it. A partially sent line is cut off by
 * closing the connection; relay drops an unterminated last line, and the full line goes to the spool. */
static bool send_line(struct transport *t, const char *line, size_t len) {
    if (t->gave_up) return false;
    int fd = connect_socket(t->socket_path);
    if (fd < 0) {
        t->gave_up = true;
        return false;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = send_with_creds(fd, line + off, len - off);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_writable(t, fd)) break;
        } else {
            break;
        }
    }
    bool read = off == len && wait_read(t, fd);
    close(fd);
    if (!read) t->gave_up = true;
    return read;
}

static int open_spool(const char *path) {
    /* O_NONBLOCK: a FIFO planted at the path (by whoever can write the spool directory) would otherwise
     * block open() until a reader comes, hanging every sudo call; it changes nothing for a regular file. */
    int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
    int fd = open(path, flags, 0600);
    if (fd < 0 && errno == ENOENT) {
        /* Create only the last directory level, private to root; its parent must already exist. */
        char *dir = strdup(path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash != NULL && slash != dir) {
            *slash = '\0';
            (void)mkdir(dir, 0700);
            fd = open(path, flags, 0600);
        }
        free(dir);
    }
    if (fd < 0) return -1;
    /* Refuse anything but our own single-link regular file: appending to a planted hard link would
     * write into another file. */
    struct stat st;
    if (compat_fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The lock only guards the size check between concurrent sudo calls; a whole line is one O_APPEND
 * write either way, so when the lock stays busy for a few ms the line is written without it. */
static void lock_briefly(int fd) {
    for (int i = 0; i < 5; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return;
        if (errno != EWOULDBLOCK && errno != EINTR) return;
        struct timespec ms = {.tv_sec = 0, .tv_nsec = 1000000};
        nanosleep(&ms, NULL);
    }
}

/* True if relay renamed the spool away (to collect it) after we opened it: write to the new file. */
static bool spool_moved(int fd, const char *path) {
    struct stat a, b;
    if (compat_fstat(fd, &a) != 0 || compat_stat(path, &b) != 0) return true;
    return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* False when the line could not be spooled whole: no spool, spool full, or a write error. */
static bool spool_line(struct transport *t, const char *line, size_t len) {
    if (t->spool_path[0] == '\0') return false;
    int fd = -1;
    for (int attempt = 0; attempt < 2; attempt++) {
        fd = open_spool(t->spool_path);
        if (fd < 0) return false;
        lock_briefly(fd);
        if (!spool_moved(fd, t->spool_path)) break;
        close(fd);
        fd = -1;
    }
    if (fd < 0) return false;
    struct stat st;
    ssize_t n = -1;
    if (compat_fstat(fd, &st) == 0 && st.st_size + (long long)len <= t->spool_max) {
        do {
            n = write(fd, line, len);
        } while (n < 0 && errno == EINTR);
    }
    close(fd); /* also releases the lock */
    return n == (ssize_t)len;
}

bool transport_emit(struct transport *t, const char *line, size_t len) {
    if (send_line(t, line, len) || spool_line(t, line, len)) return true;
    transport_lost(t, 1);
    return false;
}

long long transport_take_lost(struct transport *t) {
    long long n = t->lost;
    t->lost = 0;
    if (t->lost_path[0] != '\0') n += lost_count_take(t->lost_path);
    return n;
}

/* Kept in the file when there is one, so a later sudo call reports it even if this one sends nothing more. */
void transport_lost(struct transport *t, long long n) {
    if (n <= 0) return;
    if (t->lost_path[0] == '\0' || !lost_count_add(t->lost_path, n)) t->lost += n;
}
