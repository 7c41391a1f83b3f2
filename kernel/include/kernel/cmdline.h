/**
 * @file
 * @ingroup init
 * @brief The kernel command line: `quiet`, `test=NAME`, `init=PATH`, ...
 *
 * The command line is a list of words separated by spaces; a word is either
 * `key` or `key=value`. Subsystems ask for the words they understand.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

void cmdline_init(const char *line);
const char *cmdline_get(const char *key);
bool cmdline_has(const char *key);
bool cmdline_flag(const char *key);
unsigned long cmdline_ulong(const char *key, unsigned long fallback);
int cmdline_init_args(const char **out, int max);

#endif /* KERNEL_CMDLINE_H */
