/**
 * @file
 * @ingroup lib
 * @brief The kernel's own copies of the C string and memory functions.
 *
 * gcc may emit calls to memcpy, memset, memmove and memcmp even in
 * freestanding code (for struct copies), so these exact names must exist.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include "kernel/compiler.h"
#include "kernel/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long strtoul(const char *s, const char **end, int base);

/* formatting into a buffer (kernel/lib/vsprintf.c); printk is built on it */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* KERNEL_STRING_H */
