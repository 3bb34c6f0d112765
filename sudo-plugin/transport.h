/* Delivery of one JSON line: to relay's Unix socket within a per-call time budget, else to the spool. */
#ifndef RELAY_TRANSPORT_H
#define RELAY_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

struct transport {
    const char *socket_path; /* "" = never try the socket */
    const char *spool_path;  /* "" = no spool: undeliverable lines are dropped */
    long long spool_max;     /* bytes; a line that would grow the spool past it is dropped */
    long long budget_ns;     /* total time this sudo call may spend waiting on the socket */
    long long waited_ns;
    bool gave_up;            /* the socket failed or the budget ran out: spool for the rest of the call */
};

void transport_init(struct transport *t, const char *socket_path, const char *spool_path,
                    long long spool_max, int timeout_ms);
void transport_emit(struct transport *t, const char *line, size_t len);

#endif
