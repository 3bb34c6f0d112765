/* A growable byte buffer that builds one JSON object line. Allocation failure is sticky: the buffer
 * turns "failed" and the caller drops the event instead of sending half of it. */
#ifndef RELAY_JSON_BUF_H
#define RELAY_JSON_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct json_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
    bool first; /* no member written yet in the current object */
};

void jb_init(struct json_buf *b);
void jb_free(struct json_buf *b);
void jb_raw(struct json_buf *b, const char *s, size_t n);
/* Appends s as a JSON string body (no quotes). Bytes that are not valid UTF-8 become the text \xHH
 * (a visible backslash escape), control characters (C0, DEL, C1) become \u00HH. */
void jb_escaped(struct json_buf *b, const char *s, size_t n);
void jb_open(struct json_buf *b);  /* "{" */
void jb_close(struct json_buf *b); /* "}\n" */
void jb_key_str(struct json_buf *b, const char *key, const char *val);
void jb_key_strn(struct json_buf *b, const char *key, const char *val, size_t n);
void jb_key_int(struct json_buf *b, const char *key, long long val);
void jb_key_bool(struct json_buf *b, const char *key, bool val);
/* Starts a member whose value the caller writes with jb_raw/jb_escaped. */
void jb_key(struct json_buf *b, const char *key);

#endif
