/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One namespace for ports, relays and bridges. Their names meet in the
 * same places — `stats` and `core list` name jobs `r1/vm-to-nic` and
 * `br0/vm1`, telemetry has `/xvio/port,X` beside `/xvio/relay,X` — so a
 * name means one thing. Each table registers how to find a name in it
 * (at start, before any command runs); a new object's name is checked
 * against all of them. Control thread only, under ctl_lock.
 */
#ifndef XVIO_NAMES_H
#define XVIO_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* kind: "port", "relay", "bridge"; exists(name): the table has it. */
void names_register(const char *kind, bool (*exists)(const char *name));

/* 0 if no table has name; else -EEXIST and, in err, "port 'x' already
 * exists" (kind's own table) or "'x' is already the name of a relay". */
int names_check_free(const char *kind, const char *name, char *err, size_t errlen);

#endif
