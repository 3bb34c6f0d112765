/* Our own tables rather than a Makefile feature test: the names are then the same on every libc (a
 * feature test would send names on one host and none on another), and the tables are built from the
 * libc's own macros, so the numbers are right on every architecture. Entries that older libcs may lack
 * are guarded; the rest are in every Linux libc. test/sudo-plugin/names.test.ts checks the tables
 * against glibc's strerrorname_np/sigabbrev_np. */
#include "names.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>

struct name {
    int value;
    const char *name;
};

#define N(x) {x, #x}

/* Aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) are left out: the first entry of a value wins. */
static const struct name errnos[] = {
    N(EPERM), N(ENOENT), N(ESRCH), N(EINTR), N(EIO), N(ENXIO), N(E2BIG), N(ENOEXEC), N(EBADF),
    N(ECHILD), N(EAGAIN), N(ENOMEM), N(EACCES), N(EFAULT), N(ENOTBLK), N(EBUSY), N(EEXIST), N(EXDEV),
    N(ENODEV), N(ENOTDIR), N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE), N(ENOTTY), N(ETXTBSY),
    N(EFBIG), N(ENOSPC), N(ESPIPE), N(EROFS), N(EMLINK), N(EPIPE), N(EDOM), N(ERANGE), N(EDEADLK),
    N(ENAMETOOLONG), N(ENOLCK), N(ENOSYS), N(ENOTEMPTY), N(ELOOP), N(ENOMSG), N(EIDRM), N(ECHRNG),
    N(EL2NSYNC), N(EL3HLT), N(EL3RST), N(ELNRNG), N(EUNATCH), N(ENOCSI), N(EL2HLT), N(EBADE),
    N(EBADR), N(EXFULL), N(ENOANO), N(EBADRQC), N(EBADSLT), N(EBFONT), N(ENOSTR), N(ENODATA),
    N(ETIME), N(ENOSR), N(ENONET), N(ENOPKG), N(EREMOTE), N(ENOLINK), N(EADV), N(ESRMNT), N(ECOMM),
    N(EPROTO), N(EMULTIHOP), N(EDOTDOT), N(EBADMSG), N(EOVERFLOW), N(ENOTUNIQ), N(EBADFD),
    N(EREMCHG), N(ELIBACC), N(ELIBBAD), N(ELIBSCN), N(ELIBMAX), N(ELIBEXEC), N(EILSEQ), N(ERESTART),
    N(ESTRPIPE), N(EUSERS), N(ENOTSOCK), N(EDESTADDRREQ), N(EMSGSIZE), N(EPROTOTYPE),
    N(ENOPROTOOPT), N(EPROTONOSUPPORT), N(ESOCKTNOSUPPORT), N(EOPNOTSUPP), N(EPFNOSUPPORT),
    N(EAFNOSUPPORT), N(EADDRINUSE), N(EADDRNOTAVAIL), N(ENETDOWN), N(ENETUNREACH), N(ENETRESET),
    N(ECONNABORTED), N(ECONNRESET), N(ENOBUFS), N(EISCONN), N(ENOTCONN), N(ESHUTDOWN),
    N(ETOOMANYREFS), N(ETIMEDOUT), N(ECONNREFUSED), N(EHOSTDOWN), N(EHOSTUNREACH), N(EALREADY),
    N(EINPROGRESS), N(ESTALE), N(EUCLEAN), N(ENOTNAM), N(ENAVAIL), N(EISNAM), N(EREMOTEIO),
    N(EDQUOT), N(ENOMEDIUM), N(EMEDIUMTYPE), N(ECANCELED),
#ifdef ENOKEY
    N(ENOKEY), N(EKEYEXPIRED), N(EKEYREVOKED), N(EKEYREJECTED),
#endif
#ifdef EOWNERDEAD
    N(EOWNERDEAD), N(ENOTRECOVERABLE),
#endif
#ifdef ERFKILL
    N(ERFKILL),
#endif
#ifdef EHWPOISON
    N(EHWPOISON),
#endif
};

/* Real-time signals have no fixed name (glibc's sigabbrev_np gives none either). SIGIOT, SIGIO and
 * SIGCLD are aliases of SIGABRT, SIGPOLL and SIGCHLD. */
static const struct name signals[] = {
    N(SIGHUP), N(SIGINT), N(SIGQUIT), N(SIGILL), N(SIGTRAP), N(SIGABRT), N(SIGBUS), N(SIGFPE),
    N(SIGKILL), N(SIGUSR1), N(SIGSEGV), N(SIGUSR2), N(SIGPIPE), N(SIGALRM), N(SIGTERM),
#ifdef SIGSTKFLT
    N(SIGSTKFLT),
#endif
    N(SIGCHLD), N(SIGCONT), N(SIGSTOP), N(SIGTSTP), N(SIGTTIN), N(SIGTTOU), N(SIGURG), N(SIGXCPU),
    N(SIGXFSZ), N(SIGVTALRM), N(SIGPROF), N(SIGWINCH),
#ifdef SIGPOLL
    N(SIGPOLL),
#endif
#ifdef SIGPWR
    N(SIGPWR),
#endif
    N(SIGSYS),
};

static const char *lookup(const struct name *table, size_t n, int value) {
    for (size_t i = 0; i < n; i++) {
        if (table[i].value == value) return table[i].name;
    }
    return NULL;
}

const char *errno_name(int err) {
    return lookup(errnos, sizeof(errnos) / sizeof(errnos[0]), err);
}

const char *signal_name(int sig) {
    return lookup(signals, sizeof(signals) / sizeof(signals[0]), sig);
}
