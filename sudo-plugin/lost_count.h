/* A count of lines the plugin lost (neither sent nor spooled), kept in a small file beside the spool so
 * that a later sudo call can report what an earlier one lost. */
#ifndef RELAY_LOST_COUNT_H
#define RELAY_LOST_COUNT_H

#include <stdbool.h>

/* Adds n under an exclusive lock, creating the file (0600) if needed; false if it could not. take returns
 * the count and sets it to 0; a missing or unusable file counts as 0. Never fatal to sudo. */
bool lost_count_add(const char *path, long long n);
long long lost_count_take(const char *path);

#endif
