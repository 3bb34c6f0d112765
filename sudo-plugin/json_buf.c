/* JSON line building with strict UTF-8 validation, so that every line the plugin emits parses. */
#include "json_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jb_init(struct json_buf *b) {
    memset(b, 0, sizeof(*b));
    b->first = true;
}

void jb_free(struct json_buf *b) {
    free(b->data);
    jb_init(b);
}

static bool jb_reserve(struct json_buf *b, size_t extra) {
    if (b->failed) return false;
    if (b->len + extra <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra) cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void jb_raw(struct json_buf *b, const char *s, size_t n) {
    if (!jb_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0 if it is not one. Rejects overlong
 * forms, surrogates and code points above U+10FFFF, as RFC 3629 requires. */
static size_t utf8_seq_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
        if (c == 0xe0 && s[1] < 0xa0) return 0; /* overlong */
        if (c == 0xed && s[1] >= 0xa0) return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80) return 0;
        if (c == 0xf0 && s[1] < 0x90) return 0; /* overlong */
        if (c == 0xf4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

void jb_escaped(struct json_buf *b, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    char esc[8];
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t len = utf8_seq_len(p + i, n - i);
        if (len == 0) {
            snprintf(esc, sizeof(esc), "\\\\x%02x", c);
            jb_raw(b, esc, 5);
            i++;
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            jb_raw(b, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            jb_raw(b, esc, 6);
            i++;
        } else if (len == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
            /* C1 controls (U+0080..U+009F) can drive terminals too: escape them. */
            snprintf(esc, sizeof(esc), "\\u%04x", p[i + 1]);
            jb_raw(b, esc, 6);
            i += 2;
        } else {
            jb_raw(b, s + i, len);
            i += len;
        }
    }
}

void jb_open(struct json_buf *b) {
    jb_raw(b, "{", 1);
    b->first = true;
}

void jb_close(struct json_buf *b) {
    jb_raw(b, "}\n", 2);
}

void jb_key(struct json_buf *b, const char *key) {
    if (!b->first) jb_raw(b, ",", 1);
    b->first = false;
    jb_raw(b, "\"", 1);
    jb_escaped(b, key, strlen(key));
    jb_raw(b, "\":", 2);
}

void jb_key_strn(struct json_buf *b, const char *key, const char *val, size_t n) {
    jb_key(b, key);
    jb_raw(b, "\"", 1);
    jb_escaped(b, val, n);
    jb_raw(b, "\"", 1);
}

void jb_key_str(struct json_buf *b, const char *key, const char *val) {
    jb_key_strn(b, key, val, strlen(val));
}

void jb_key_int(struct json_buf *b, const char *key, long long val) {
    char num[32];
    int n = snprintf(num, sizeof(num), "%lld", val);
    jb_key(b, key);
    jb_raw(b, num, (size_t)n);
}

void jb_key_bool(struct json_buf *b, const char *key, bool val) {
    jb_key(b, key);
    if (val) jb_raw(b, "true", 4);
    else jb_raw(b, "false", 5);
}
