/**
 * @file
 * @ingroup lib
 * @brief Byte and string routines: the part of libc a kernel needs.
 *
 * Plain loops, written to be read. gcc calls memcpy/memset itself for
 * struct assignment and initialisation, so these names are required.
 * No locking: they touch only their arguments.
 */
#include "kernel/string.h"

/**
 * @brief Copy @p n bytes; the areas must not overlap.
 * @param dst where to copy to
 * @param src where to copy from
 * @param n   how many bytes
 * @return @p dst
 */
void *
memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

/**
 * @brief Copy @p n bytes between areas that may overlap.
 * @param dst where to copy to
 * @param src where to copy from
 * @param n   how many bytes
 * @return @p dst
 */
void *
memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

/**
 * @brief Fill @p n bytes with the byte @p c.
 * @param dst the area
 * @param c   the byte value (only its low 8 bits count)
 * @param n   how many bytes
 * @return @p dst
 */
void *
memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

/**
 * @brief Compare @p n bytes.
 * @param a the first area
 * @param b the second area
 * @param n how many bytes
 * @return <0, 0 or >0, as the first difference
 */
int
memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

/**
 * @brief Length of the string @p s.
 * @param s a NUL-terminated string
 * @return the number of characters before the NUL
 */
size_t
strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/**
 * @brief Length of @p s, but at most @p max.
 * @param s   a string, not necessarily terminated within @p max bytes
 * @param max the most bytes to look at
 * @return strlen(@p s), or @p max if that is smaller
 */
size_t
strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/**
 * @brief Compare two strings.
 * @param a the first string
 * @param b the second string
 * @return <0, 0 or >0, as the first difference (as unsigned chars)
 */
int
strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/**
 * @brief Compare at most @p n characters.
 * @param a the first string
 * @param b the second string
 * @param n the most characters to compare
 * @return <0, 0 or >0, as the first difference (as unsigned chars)
 */
int
strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || *a == 0)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

/**
 * @brief First occurrence of @p c in @p s.
 * @param s the string
 * @param c the character; 0 finds the terminating NUL
 * @return a pointer into @p s, or NULL
 */
char *
strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == 0)
            return NULL;
    }
}

/**
 * @brief Copy a string into a buffer of @p size bytes, always terminated.
 * @param dst  the buffer
 * @param src  the string
 * @param size the size of @p dst; 0 copies nothing
 * @return strlen(@p src): a result >= @p size means it was truncated
 */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

static int
digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/**
 * @brief Parse an unsigned number in @p base (0: 0x.. hex, 0.. octal, else 10).
 * @param s    the text
 * @param end  if not NULL, set to the first character not used
 * @param base 0 or 2..36
 * @return the value (wraps silently on overflow)
 */
unsigned long
strtoul(const char *s, const char **end, int base)
{
    unsigned long v = 0;
    if (base == 0) {
        base = 10;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            base = 16;
            s += 2;
        } else if (s[0] == '0') {
            base = 8;
        }
    } else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    while (digit_value(*s) < base)
        v = v * base + digit_value(*s++);
    if (end)
        *end = s;
    return v;
}
