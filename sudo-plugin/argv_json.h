/* The size-capped JSON rendering of a command's argument vector. */
#ifndef RELAY_ARGV_JSON_H
#define RELAY_ARGV_JSON_H

#include "json_buf.h"
#include "options.h"

/* Writes the members "argv":[...],"argc":N and, when anything was cut, "truncated":true. */
void argv_json(struct json_buf *b, char * const argv[], const struct relay_options *o);

#endif
