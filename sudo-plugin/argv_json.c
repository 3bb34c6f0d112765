/* Caps keep one sudo call's line small enough to send fast and to keep the spool useful. */
#include "argv_json.h"

#include <string.h>

/* Cutting inside a UTF-8 sequence would show up as \xHH garbage: back up to a sequence start. */
static size_t utf8_floor(const char *s, size_t n, size_t full) {
    if (n >= full) return full;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
    return n;
}

void argv_json(struct json_buf *b, char * const argv[], const struct relay_options *o) {
    size_t argc = 0, budget = (size_t)o->max_argv_bytes;
    bool truncated = false;
    jb_key(b, "argv");
    jb_raw(b, "[", 1);
    for (; argv != NULL && argv[argc] != NULL; argc++) {
        if (argc >= (size_t)o->max_args || budget == 0) {
            truncated = true;
            continue; /* keep counting argc */
        }
        size_t full = strlen(argv[argc]);
        size_t cap = (size_t)o->max_arg_bytes < budget ? (size_t)o->max_arg_bytes : budget;
        size_t n = utf8_floor(argv[argc], cap, full);
        if (n < full) truncated = true;
        budget -= n;
        if (argc > 0) jb_raw(b, ",", 1);
        jb_raw(b, "\"", 1);
        jb_escaped(b, argv[argc], n);
        jb_raw(b, "\"", 1);
    }
    jb_raw(b, "]", 1);
    jb_key_int(b, "argc", (long long)argc);
    if (truncated) jb_key_bool(b, "truncated", true);
}
