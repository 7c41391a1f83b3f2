/**
 * @file
 * @ingroup lib
 * @brief vsnprintf(): printf-style formatting into a buffer.
 *
 * The kernel's only formatter; printk() and every message use it. It
 * follows C99 printf for what it supports, so a program run on the host
 * is its oracle (see grading/host/test_vsprintf.c):
 *
 *   %[flags][width][.precision][length]conversion
 *   flags       - 0 + space #
 *   width       a number or *
 *   precision   . followed by a number or *
 *   length      hh h l ll z t j
 *   conversion  d i u x X o c s p %
 *
 * Formatting is split in two steps: parse one conversion into a struct
 * spec, then print the argument under that spec. The output side never
 * overflows: struct out counts every character but stores only those that
 * fit, which is what gives vsnprintf its C99 return value. Pure code: no
 * locks, no state, usable from interrupt handlers.
 */
#include "kernel/string.h"

/** The parsed form of one % conversion. */
struct spec {
    bool left;     /**< '-': pad on the right */
    bool zero;     /**< '0': pad numbers with zeros */
    bool plus;     /**< '+': always print a sign */
    bool space;    /**< ' ': a space where a '+' would go */
    bool alt;      /**< '#': 0x for hex, leading 0 for octal */
    int width;     /**< minimum field width, 0 if none */
    int precision; /**< -1 if none */
    int length;    /**< size of the argument in bytes: 1, 2, 4 or 8 */
    char conv;     /**< the conversion character */
};

/** A bounded output buffer that still counts what did not fit. */
struct out {
    char *buf;
    size_t size;
    size_t pos; /**< characters produced so far, stored or not */
};

static void
out_char(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void
out_repeat(struct out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

static void
out_string(struct out *o, const char *s, int len)
{
    while (len-- > 0)
        out_char(o, *s++);
}

/* Print @p s (of @p len chars) in a field of spec->width, padded with spaces. */
static void
format_padded(struct out *o, const struct spec *sp, const char *s, int len)
{
    if (!sp->left)
        out_repeat(o, ' ', sp->width - len);
    out_string(o, s, len);
    if (sp->left)
        out_repeat(o, ' ', sp->width - len);
}

/**
 * @brief Print one integer under @p sp: sign, prefix, precision, padding.
 *
 * The field is laid out as
 *   [spaces] [sign or 0x] [zeros] digits [spaces]
 * where the zeros come from the precision (at least that many digits) or,
 * with the '0' flag and no precision, fill the width.
 *
 * @param o        where to print
 * @param sp       the parsed conversion (d i u x X o or p)
 * @param value    the magnitude
 * @param negative whether a '-' sign belongs in front
 */
// [format_number]
static void
format_number(struct out *o, const struct spec *sp, uint64_t value,
              bool negative)
{
    // >>> exercise 1.1 printk-numbers
    const char *digits =
        sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned base = 10;
    if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
        base = 16;
    else if (sp->conv == 'o')
        base = 8;

    // the digits, least significant first
    char tmp[24];
    int n = 0;
    for (uint64_t v = value; v != 0; v /= base)
        tmp[n++] = digits[v % base];
    if (n == 0 && sp->precision != 0)
        tmp[n++] = '0';

    // what goes in front of the digits
    char prefix[3];
    int plen = 0;
    bool is_signed = sp->conv == 'd' || sp->conv == 'i';
    if (is_signed && negative)
        prefix[plen++] = '-';
    else if (is_signed && sp->plus)
        prefix[plen++] = '+';
    else if (is_signed && sp->space)
        prefix[plen++] = ' ';
    if ((sp->alt && base == 16 && value != 0) || sp->conv == 'p') {
        prefix[plen++] = '0';
        prefix[plen++] = sp->conv == 'X' ? 'X' : 'x';
    }

    // zeros: from the precision, or from the width with the '0' flag
    int zeros = sp->precision > n ? sp->precision - n : 0;
    if (sp->alt && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
        zeros = 1;
    if (sp->zero && !sp->left && sp->precision < 0)
        zeros = MAX(zeros, sp->width - plen - n);
    int len = plen + zeros + n;

    if (!sp->left)
        out_repeat(o, ' ', sp->width - len);
    out_string(o, prefix, plen);
    out_repeat(o, '0', zeros);
    while (n > 0)
        out_char(o, tmp[--n]);
    if (sp->left)
        out_repeat(o, ' ', sp->width - len);
    // === stub: plain digits only; no sign flags, prefix, width or precision
    // static const char digits[] = "0123456789abcdef";
    // unsigned base = sp->conv == 'o' ? 8 : sp->conv == 'u' ? 10 : 16;
    // if (sp->conv == 'd' || sp->conv == 'i')
    //     base = 10;
    // char tmp[24];
    // int n = 0;
    // do {
    //     tmp[n++] = digits[value % base];
    //     value /= base;
    // } while (value != 0);
    // if (negative)
    //     out_char(o, '-');
    // while (n > 0)
    //     out_char(o, tmp[--n]);
    // <<< exercise 1.1 printk-numbers
}
// [format_number]

/* Parse flags, width, precision and length after a '%'; advance *fmtp. */
static void
parse_spec(const char **fmtp, struct spec *sp, va_list *ap)
{
    const char *f = *fmtp;
    memset(sp, 0, sizeof(*sp));
    sp->precision = -1;
    sp->length = 4;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '+')
            sp->plus = true;
        else if (*f == ' ')
            sp->space = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            if (sp->precision < 0)
                sp->precision = -1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->precision = sp->precision * 10 + (*f++ - '0');
        }
    }
    if (f[0] == 'h' && f[1] == 'h') {
        sp->length = 1;
        f += 2;
    } else if (f[0] == 'l' && f[1] == 'l') {
        sp->length = 8;
        f += 2;
    } else if (*f == 'h') {
        sp->length = 2;
        f++;
    } else if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j') {
        sp->length = 8;
        f++;
    }
    sp->conv = *f;
    *fmtp = *f ? f + 1 : f;
}

/* Fetch a signed integer argument of sp->length bytes. */
static int64_t
arg_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 1:
        return (signed char)va_arg(*ap, int);
    case 2:
        return (short)va_arg(*ap, int);
    case 8:
        return va_arg(*ap, int64_t);
    default:
        return va_arg(*ap, int);
    }
}

/* Fetch an unsigned integer argument of sp->length bytes. */
static uint64_t
arg_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 1:
        return (unsigned char)va_arg(*ap, unsigned);
    case 2:
        return (unsigned short)va_arg(*ap, unsigned);
    case 8:
        return va_arg(*ap, uint64_t);
    default:
        return va_arg(*ap, unsigned);
    }
}

/* Print one parsed conversion, taking its argument from @p ap. */
static void
format_one(struct out *o, struct spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i': {
        int64_t v = arg_signed(sp, ap);
        uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
        format_number(o, sp, mag, v < 0);
        break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        format_number(o, sp, arg_unsigned(sp, ap), false);
        break;
    case 'p': {
        uint64_t v = (uint64_t)va_arg(*ap, void *);
        if (v == 0) {
            format_padded(o, sp, "(nil)", 5);
            break;
        }
        sp->precision = -1;
        format_number(o, sp, v, false);
        break;
    }
    case 'c': {
        char c = (char)va_arg(*ap, int);
        format_padded(o, sp, &c, 1);
        break;
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        size_t max = sp->precision < 0 ? (size_t)-1 : (size_t)sp->precision;
        format_padded(o, sp, s, (int)strnlen(s, max));
        break;
    }
    case '%':
        out_char(o, '%');
        break;
    default:
        // unknown conversion: print it as written, so the bug is visible
        out_char(o, '%');
        if (sp->conv)
            out_char(o, sp->conv);
        break;
    }
}

/**
 * @brief Format @p fmt with arguments @p ap into @p buf (C99 semantics).
 *
 * @param buf  the destination; always NUL-terminated when @p size > 0
 * @param size bytes available at @p buf, including the NUL
 * @param fmt  the format (conversions listed at the top of this file)
 * @param ap   the arguments
 * @return the length the full output has, even if it was cut to fit
 */
int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    va_list args;
    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        fmt++;
        struct spec sp;
        parse_spec(&fmt, &sp, &args);
        format_one(&o, &sp, &args);
    }
    va_end(args);
    if (size > 0)
        buf[o.pos < size ? o.pos : size - 1] = 0;
    return (int)o.pos;
}

/**
 * @brief snprintf(): vsnprintf() with the arguments inline.
 * @param buf  destination
 * @param size its size
 * @param fmt  the format
 * @return as vsnprintf()
 */
int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
