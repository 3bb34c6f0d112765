/* The plugin's settings, from the words after the plugin path on its sudo.conf line. */
#ifndef RELAY_OPTIONS_H
#define RELAY_OPTIONS_H

struct relay_options {
    char *socket_path;
    char *spool_path;
    long long spool_max;
    int timeout_ms;
    int max_args;
    int max_arg_bytes;
    int max_argv_bytes;
    /* Words that were not applied (unknown key, bad or out-of-range value), reported in every event so a
     * typo in sudo.conf shows up at relay. Only the first MAX_IGNORED are named; the count is complete. */
    int ignored_count;
    char *ignored[8];
};

#define MAX_IGNORED 8
#define MAX_IGNORED_BYTES 64

/* Fills defaults, then applies key=value words. Unknown keys and out-of-range numbers keep the default,
 * so a typo degrades to default behaviour instead of disabling auditing; they are listed in ignored.
 * Returns -1 only when memory runs out. */
int options_parse(struct relay_options *o, char * const words[]);
void options_free(struct relay_options *o);

#endif
