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
    long long lost;          /* lines of this call neither sent nor spooled, not yet reported */
    char lost_path[512];     /* spool_path + ".lost": losses kept for later calls; "" = this call only */
};

void transport_init(struct transport *t, const char *socket_path, const char *spool_path,
                    long long spool_max, int timeout_ms);
/* True if the line was sent or spooled. */
bool transport_emit(struct transport *t, const char *line, size_t len);
/* Lines lost so far (this call's and earlier calls', from the counter file beside the spool) that no
 * event has reported yet. Taking them resets the count: the caller puts them in its next event and,
 * if that event is lost too, gives them back with transport_lost(). */
long long transport_take_lost(struct transport *t);
void transport_lost(struct transport *t, long long n);

#endif
