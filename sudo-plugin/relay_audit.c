/* relay_audit: a sudo audit plugin that reports each sudo call to relay as JSON lines (accept, reject,
 * error, exit, exec_error). It must never break or slow sudo: every setup problem disables the plugin
 * (open returns 0), accept always returns 1, nothing is printed, errno is preserved, and socket waits
 * are bounded by timeout_ms per call. Of the user's environment only RELAY_PROBE is read: relay's own
 * self-checks set RELAY_PROBE=1, reported as "probe":true (relay honours it only for /bin/true). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sudo_plugin.h>

#include "argv_json.h"
#include "json_buf.h"
#include "names.h"
#include "options.h"
#include "sys_compat.h"
#include "transport.h"

#define RELAY_AUDIT_VERSION "1.0.0"

/* What one sudo call is about. Strings are copies: sudo's vectors from accept are gone by close. */
static struct {
    bool enabled;
    struct relay_options opt;
    struct transport tr;
    sudo_printf_t printf_fn;
    char id[160];
    long long seq;
    bool probe;
    char *host, *user, *uid, *pid, *cwd, *tty;
    char *command, *runas_user, *runas_uid;
    struct json_buf argv_member; /* pre-rendered "argv":[...],"argc":N */
    long long reporting_lost;    /* the lost count the event being built carries */
} st;

static const char *lookup(char * const vec[], const char *key) {
    size_t n = strlen(key);
    for (size_t i = 0; vec != NULL && vec[i] != NULL; i++) {
        if (strncmp(vec[i], key, n) == 0 && vec[i][n] == '=') return vec[i] + n + 1;
    }
    return NULL;
}

/* Replaces *dst with a copy of the value of key when vec has it; false only when memory runs out. */
static bool take(char **dst, char * const vec[], const char *key) {
    const char *v = lookup(vec, key);
    if (v == NULL) return true;
    char *copy = strdup(v);
    if (copy == NULL) return false;
    free(*dst);
    *dst = copy;
    return true;
}

static void render_argv(char * const argv[]) {
    jb_free(&st.argv_member);
    argv_json(&st.argv_member, argv, &st.opt);
}

/* hostname-pid-starttime-random: unique per sudo call, so relay can join accept and exit and drop
 * the same line seen twice (socket and spool). */
static void make_id(void) {
    struct timespec ts;
    unsigned char rnd[8] = {0};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (compat_random(rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
        unsigned long long x = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)getpid() << 32);
        memcpy(rnd, &x, sizeof(rnd));
    }
    snprintf(st.id, sizeof(st.id), "%.64s-%s-%lld%03ld-%02x%02x%02x%02x%02x%02x%02x%02x",
             st.host ? st.host : "unknown", st.pid ? st.pid : "0", (long long)ts.tv_sec,
             ts.tv_nsec / 1000000, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
}

static void put_ts(struct json_buf *b) {
    struct timespec ts;
    struct tm tm;
    char when[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03ldZ", ts.tv_nsec / 1000000);
    jb_key_str(b, "ts", when);
}

static void put_opt_str(struct json_buf *b, const char *key, const char *val) {
    if (val != NULL) jb_key_str(b, key, val);
}

/* Numbers from sudo's vectors are decimal strings; a malformed one is left out rather than guessed. */
static void put_opt_num(struct json_buf *b, const char *key, const char *val) {
    char *end;
    if (val == NULL || *val == '\0') return;
    long long v = strtoll(val, &end, 10);
    if (*end == '\0') jb_key_int(b, key, v);
}

/* What the plugin could not do, so it never goes unnoticed: lines lost since the last report (this call's
 * or earlier calls') and sudo.conf options it ignored. */
static void put_plugin_trouble(struct json_buf *b) {
    st.reporting_lost = transport_take_lost(&st.tr);
    if (st.reporting_lost > 0) jb_key_int(b, "lost", st.reporting_lost);
    if (st.opt.ignored_count == 0) return;
    jb_key_int(b, "ignored_options", st.opt.ignored_count);
    jb_key(b, "ignored_option_names");
    jb_raw(b, "[", 1);
    for (int i = 0; i < st.opt.ignored_count && i < MAX_IGNORED; i++) {
        if (i > 0) jb_raw(b, ",", 1);
        jb_raw(b, "\"", 1);
        jb_escaped(b, st.opt.ignored[i], strlen(st.opt.ignored[i]));
        jb_raw(b, "\"", 1);
    }
    jb_raw(b, "]", 1);
}

static void event_begin(struct json_buf *b, const char *name) {
    jb_init(b);
    jb_open(b);
    jb_key_int(b, "v", 1);
    jb_key_str(b, "event", name);
    jb_key_str(b, "id", st.id);
    jb_key_int(b, "seq", st.seq++);
    put_ts(b);
    put_opt_str(b, "host", st.host);
    put_opt_str(b, "user", st.user);
    put_opt_num(b, "uid", st.uid);
    put_opt_str(b, "runas_user", st.runas_user);
    put_opt_num(b, "runas_uid", st.runas_uid);
    put_opt_str(b, "cwd", st.cwd);
    put_opt_str(b, "tty", st.tty);
    put_opt_num(b, "pid", st.pid);
    put_opt_str(b, "command", st.command);
    if (st.probe) jb_key_bool(b, "probe", true);
    if (!st.argv_member.failed && st.argv_member.len > 0) {
        jb_raw(b, ",", 1);
        jb_raw(b, st.argv_member.data, st.argv_member.len);
    }
    put_plugin_trouble(b);
}

/* If this event is lost as well, the losses it carried go back to the count, plus itself. */
static void event_send(struct json_buf *b) {
    jb_close(b);
    bool delivered = !b->failed && transport_emit(&st.tr, b->data, b->len);
    if (!delivered) transport_lost(&st.tr, st.reporting_lost + (b->failed ? 1 : 0));
    st.reporting_lost = 0;
    jb_free(b);
}

static void put_errno(struct json_buf *b, int err) {
    const char *name = errno_name(err);
    jb_key_int(b, "errno", err);
    put_opt_str(b, "errno_name", name);
    jb_key_str(b, "error", strerror(err));
}

static void forget_all(void) {
    char **strings[] = {&st.host, &st.user, &st.uid, &st.pid, &st.cwd, &st.tty,
                        &st.command, &st.runas_user, &st.runas_uid};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        free(*strings[i]);
        *strings[i] = NULL;
    }
    jb_free(&st.argv_member);
    options_free(&st.opt);
    st.enabled = false;
}

static bool absorb_command_info(char * const command_info[]) {
    return take(&st.command, command_info, "command") && take(&st.runas_user, command_info, "runas_user") &&
           take(&st.runas_uid, command_info, "runas_uid");
}

static int audit_open(unsigned int version, sudo_conv_t conversation, sudo_printf_t sudo_plugin_printf,
                      char * const settings[], char * const user_info[], int submit_optind,
                      char * const submit_argv[], char * const submit_envp[], char * const plugin_options[],
                      const char **errstr) {
    (void)conversation;
    (void)errstr;
    int saved = errno;
    memset(&st, 0, sizeof(st));
    jb_init(&st.argv_member);
    st.printf_fn = sudo_plugin_printf;
    bool ok = SUDO_API_VERSION_GET_MAJOR(version) == SUDO_API_VERSION_MAJOR &&
              options_parse(&st.opt, plugin_options) == 0 && take(&st.host, user_info, "host") &&
              take(&st.user, user_info, "user") && take(&st.uid, user_info, "uid") &&
              take(&st.pid, user_info, "pid") && take(&st.cwd, user_info, "cwd") &&
              take(&st.tty, user_info, "tty") && take(&st.runas_user, settings, "runas_user");
    const char *probe = lookup(submit_envp, "RELAY_PROBE");
    st.probe = probe != NULL && strcmp(probe, "1") == 0;
    /* Until a plugin accepts, the command is what the user typed. */
    if (ok && submit_argv != NULL && submit_optind >= 0) {
        size_t argc = 0;
        while (submit_argv[argc] != NULL) argc++;
        if ((size_t)submit_optind < argc) {
            st.command = strdup(submit_argv[submit_optind]);
            ok = st.command != NULL;
            render_argv(submit_argv + submit_optind);
        }
    }
    if (ok) {
        make_id();
        transport_init(&st.tr, st.opt.socket_path, st.opt.spool_path, st.opt.spool_max, st.opt.timeout_ms);
        st.enabled = true;
    } else {
        forget_all();
    }
    errno = saved;
    return ok ? 1 : 0;
}

static int audit_accept(const char *plugin_name, unsigned int plugin_type, char * const command_info[],
                        char * const run_argv[], char * const run_envp[], const char **errstr) {
    (void)plugin_name;
    (void)run_envp;
    (void)errstr;
    /* The policy plugin's accept comes first and may still be overruled by an approval plugin: report
     * the front end's, which means the command is really about to run. */
    if (!st.enabled || plugin_type != SUDO_FRONT_END) return 1;
    int saved = errno;
    if (absorb_command_info(command_info)) {
        if (run_argv != NULL) render_argv(run_argv);
        struct json_buf b;
        event_begin(&b, "accept");
        event_send(&b);
    }
    errno = saved;
    return 1;
}

static void report_refusal(const char *event, const char *plugin_name, const char *audit_msg,
                           char * const command_info[]) {
    if (!absorb_command_info(command_info)) return;
    struct json_buf b;
    event_begin(&b, event);
    put_opt_str(&b, "plugin", plugin_name);
    put_opt_str(&b, "reason", audit_msg);
    event_send(&b);
}

static int audit_reject(const char *plugin_name, unsigned int plugin_type, const char *audit_msg,
                        char * const command_info[], const char **errstr) {
    (void)plugin_type;
    (void)errstr;
    if (!st.enabled) return 1;
    int saved = errno;
    report_refusal("reject", plugin_name, audit_msg, command_info);
    errno = saved;
    return 1;
}

static int audit_error(const char *plugin_name, unsigned int plugin_type, const char *audit_msg,
                       char * const command_info[], const char **errstr) {
    (void)plugin_type;
    (void)errstr;
    if (!st.enabled) return 1;
    int saved = errno;
    report_refusal("error", plugin_name, audit_msg, command_info);
    errno = saved;
    return 1;
}

static void report_wait_status(int status) {
    struct json_buf b;
    event_begin(&b, "exit");
    if (WIFEXITED(status)) {
        jb_key_int(&b, "status", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        jb_key_int(&b, "signal", sig);
        put_opt_str(&b, "signal_name", signal_name(sig));
        jb_key_bool(&b, "core_dumped", WCOREDUMP(status) != 0);
    }
    event_send(&b);
}

static void audit_close(int status_type, int status) {
    if (!st.enabled) return;
    int saved = errno;
    struct json_buf b;
    switch (status_type) {
    case SUDO_PLUGIN_WAIT_STATUS:
        report_wait_status(status);
        break;
    case SUDO_PLUGIN_EXEC_ERROR:
        event_begin(&b, "exec_error");
        put_errno(&b, status);
        event_send(&b);
        break;
    case SUDO_PLUGIN_SUDO_ERROR:
        event_begin(&b, "error");
        jb_key_str(&b, "plugin", "sudo");
        put_errno(&b, status);
        event_send(&b);
        break;
    default: /* SUDO_PLUGIN_NO_STATUS: after a reject or error, already reported */
        break;
    }
    forget_all();
    errno = saved;
}

static int audit_show_version(int verbose) {
    (void)verbose;
    if (st.printf_fn != NULL) st.printf_fn(SUDO_CONV_INFO_MSG, "relay_audit plugin version %s\n", RELAY_AUDIT_VERSION);
    return 1;
}

__attribute__((visibility("default"))) struct audit_plugin relay_audit = {
    .type = SUDO_AUDIT_PLUGIN,
    .version = SUDO_API_VERSION,
    .open = audit_open,
    .close = audit_close,
    .accept = audit_accept,
    .reject = audit_reject,
    .error = audit_error,
    .show_version = audit_show_version,
};
