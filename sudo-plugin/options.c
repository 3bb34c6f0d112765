/* Parsing of sudo.conf plugin options into relay_options. */
#include "options.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SOCKET "/run/relay/sudo.sock"
#define DEFAULT_SPOOL "/var/spool/relay/sudo.jsonl"

static const char *value_of(const char *word, const char *key) {
    size_t n = strlen(key);
    return strncmp(word, key, n) == 0 && word[n] == '=' ? word + n + 1 : NULL;
}

static bool set_number(long long *dst, const char *s, long long min, long long max) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) return false;
    *dst = v;
    return true;
}

/* Names the word up to its '=' (the value may be long or private), cut to MAX_IGNORED_BYTES. */
static int note_ignored(struct relay_options *o, const char *word) {
    if (o->ignored_count++ >= MAX_IGNORED) return 0;
    size_t n = strcspn(word, "=");
    if (n > MAX_IGNORED_BYTES) n = MAX_IGNORED_BYTES;
    char *copy = strndup(word, n);
    if (copy == NULL) return -1;
    o->ignored[o->ignored_count - 1] = copy;
    return 0;
}

static int set_string(char **dst, const char *s) {
    char *copy = strdup(s);
    if (copy == NULL) return -1;
    free(*dst);
    *dst = copy;
    return 0;
}

int options_parse(struct relay_options *o, char * const words[]) {
    memset(o, 0, sizeof(*o));
    long long timeout = 50, spool_max = 10LL << 20, max_args = 64, max_arg = 4096, max_argv = 16384;
    if (set_string(&o->socket_path, DEFAULT_SOCKET) != 0 || set_string(&o->spool_path, DEFAULT_SPOOL) != 0)
        return -1;
    for (size_t i = 0; words != NULL && words[i] != NULL; i++) {
        const char *w = words[i], *v;
        bool applied = true;
        if ((v = value_of(w, "socket")) != NULL) {
            if (set_string(&o->socket_path, v) != 0) return -1;
        } else if ((v = value_of(w, "spool")) != NULL) {
            if (set_string(&o->spool_path, v) != 0) return -1;
        } else if ((v = value_of(w, "timeout_ms")) != NULL) {
            applied = set_number(&timeout, v, 0, 10000);
        } else if ((v = value_of(w, "spool_max")) != NULL) {
            applied = set_number(&spool_max, v, 0, 1LL << 40);
        } else if ((v = value_of(w, "max_args")) != NULL) {
            applied = set_number(&max_args, v, 1, 100000);
        } else if ((v = value_of(w, "max_arg_bytes")) != NULL) {
            applied = set_number(&max_arg, v, 1, 1 << 24);
        } else if ((v = value_of(w, "max_argv_bytes")) != NULL) {
            applied = set_number(&max_argv, v, 1, 1 << 26);
        } else {
            applied = false;
        }
        if (!applied && note_ignored(o, w) != 0) return -1;
    }
    o->timeout_ms = (int)timeout;
    o->spool_max = spool_max;
    o->max_args = (int)max_args;
    o->max_arg_bytes = (int)max_arg;
    o->max_argv_bytes = (int)max_argv;
    return 0;
}

void options_free(struct relay_options *o) {
    free(o->socket_path);
    free(o->spool_path);
    for (int i = 0; i < MAX_IGNORED; i++) free(o->ignored[i]);
    memset(o, 0, sizeof(*o));
}
