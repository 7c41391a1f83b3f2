/**
 * @file
 * @ingroup init
 * @brief The undefined-behaviour sanitizer's runtime: what the kernel
 *        does when code built with `-fsanitize=...` catches itself.
 *
 * C leaves some operations undefined: a shift by the width of its type
 * or more, a signed addition that overflows, an array index past the
 * end, a load of 2 from a `bool`. The compiler may assume they never
 * happen, so a kernel that does one works by luck until the next
 * compiler release. Built with `-fsanitize=shift,bounds,...` (what
 * `make SANITIZE=1` does for every kernel file), GCC puts a check before
 * each such operation; when a check fails it calls one of the
 * `__ubsan_handle_*` functions below, passing a static description of
 * the place (file, line, column, the types involved) and the values.
 *
 *     int x = a << n;          // as written
 *
 *     if (n >= 32 || ...)      // as compiled with -fsanitize=shift
 *         __ubsan_handle_shift_out_of_bounds(&desc, a, n);
 *     int x = a << n;
 *
 * Each handler prints a report in Linux's shape, so a reader who knows
 * one knows the other:
 *
 *     ================================================================
 *     UBSAN: shift-out-of-bounds in kernel/init/ubsan_test.c:56:39
 *     shift exponent 64 is too large for 64-bit type 'long unsigned int'
 *     backtrace: ...
 *     ================================================================
 *
 * and then, by the kernel word `ubsan=`, either stops the machine
 * (`ubsan=panic`, the default: a test suite run with SANITIZE=1 fails at
 * the first finding) or goes on (`ubsan=warn`: the operation runs as the
 * hardware does it, and each place reports once).
 *
 * The runtime is linked into every kernel, so that its own self-test
 * (kernel/init/ubsan_test.c, always compiled with the checks) proves it
 * in every chapter; the rest of the kernel calls it only in a SANITIZE=1
 * build. This file itself is never instrumented: a check failing inside
 * the report would report itself forever.
 *
 * Locking: none. A report that starts while another is being printed
 * (an interrupt handler's, or one inside printk) is dropped, so a
 * report never recurses; ubsan_reports counts them all.
 */
#include "kernel/ubsan.h"
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* Where the check is: compiled-in, writable (the high bit of the column
 * marks a place that has reported, as Linux does). */
struct ubsan_loc {
    const char *file;
    uint32_t line;
    uint32_t column;
};

#define LOC_REPORTED 0x80000000u

/* A type as GCC describes it: kind 0 is an integer, whose info holds the
 * signedness (bit 0) and log2 of its width in bits (the rest). */
struct ubsan_type {
    uint16_t kind;
    uint16_t info;
    char name[];
};

#define TYPE_INTEGER 0

/* The descriptions each check passes: one shape per kind of check. */
struct overflow_data {
    struct ubsan_loc loc;
    const struct ubsan_type *type;
};

struct shift_data {
    struct ubsan_loc loc;
    const struct ubsan_type *lhs_type;
    const struct ubsan_type *rhs_type;
};

struct bounds_data {
    struct ubsan_loc loc;
    const struct ubsan_type *array_type;
    const struct ubsan_type *index_type;
};

struct mismatch_data {
    struct ubsan_loc loc;
    const struct ubsan_type *type;
    unsigned char log_alignment;
    unsigned char check_kind;
};

struct loc_data {
    struct ubsan_loc loc;
};

struct invalid_value_data {
    struct ubsan_loc loc;
    const struct ubsan_type *type;
};

struct nonnull_arg_data {
    struct ubsan_loc loc;
    struct ubsan_loc attr_loc;
    int arg_index;
};

struct nonnull_return_data {
    struct ubsan_loc attr_loc;
};

struct vla_data {
    struct ubsan_loc loc;
    const struct ubsan_type *type;
};

struct builtin_data {
    struct ubsan_loc loc;
    unsigned char kind;
};

/** Every report since boot, printed or not (the self-test reads it). */
unsigned long ubsan_reports;
/** The kind of the last report ("shift-out-of-bounds", ...). */
const char *ubsan_last_kind;
/** The line of the last report. */
uint32_t ubsan_last_line;
/** When true, reports never stop the machine (the self-test sets it). */
bool ubsan_no_panic;

static bool reporting;

/* --------------------------------------------------------------- values */

static bool
type_is_int(const struct ubsan_type *t)
{
    return t->kind == TYPE_INTEGER;
}

static bool
type_signed(const struct ubsan_type *t)
{
    return type_is_int(t) && (t->info & 1);
}

static unsigned
type_bits(const struct ubsan_type *t)
{
    return 1u << (t->info >> 1);
}

/*
 * The value a check passed for a value of type @p t: up to 64 bits it
 * is in the argument itself, wider ones (__int128) behind a pointer, of
 * which the low 64 bits are shown. Sign-extended for signed types.
 */
static uint64_t
value_bits(const struct ubsan_type *t, const void *v)
{
    uint64_t x;
    unsigned bits = type_bits(t);
    if (bits > 64) {
        memcpy(&x, v, sizeof(x)); // little-endian: the low half
        return x;
    }
    x = (uint64_t)(uintptr_t)v;
    if (bits < 64) {
        if (type_signed(t) && (x & (1UL << (bits - 1))))
            x |= ~0UL << bits;
        else
            x &= (1UL << bits) - 1;
    }
    return x;
}

static bool
value_negative(const struct ubsan_type *t, const void *v)
{
    return type_signed(t) && (int64_t)value_bits(t, v) < 0;
}

/* Format the value @p v of type @p t into @p buf (size 32). */
static const char *
value_str(char *buf, const struct ubsan_type *t, const void *v)
{
    if (!type_is_int(t))
        return "<not an integer>";
    uint64_t x = value_bits(t, v);
    if (type_signed(t))
        snprintf(buf, 32, "%ld", (long)x);
    else
        snprintf(buf, 32, "%lu", (unsigned long)x);
    return buf;
}

/* -------------------------------------------------------------- reports */

/* The file as the tree names it: an earlier chapter is compiled from its
 * view under build/chNN/src/, which the reader's tree does not have. */
static const char *
tree_path(const char *file)
{
    if (strncmp(file, "build/", 6) != 0)
        return file;
    for (const char *p = file; *p; p++)
        if (strncmp(p, "/src/", 5) == 0)
            return p + 5;
    return file;
}

/*
 * Open a report of @p kind at @p loc: false when it is not to be printed
 * (the place has reported before, or a report is under way).
 */
static bool
report_begin(struct ubsan_loc *loc, const char *kind)
{
    ubsan_reports++;
    ubsan_last_kind = kind;
    ubsan_last_line = loc->line;
    if (reporting || (loc->column & LOC_REPORTED))
        return false;
    reporting = true;
    loc->column |= LOC_REPORTED;
    pr_err("===================================================="
           "============================\n");
    pr_err("UBSAN: %s in %s:%u:%u\n", kind, tree_path(loc->file), loc->line,
           loc->column & ~LOC_REPORTED);
    return true;
}

/* Close the report: a backtrace, then stop unless ubsan=warn. */
static void
report_end(const char *kind, const struct ubsan_loc *loc)
{
    const char *mode = cmdline_get("ubsan");
    if (!ubsan_no_panic && !(mode && strcmp(mode, "warn") == 0))
        panic("UBSAN: %s in %s:%u (boot with ubsan=warn to go on after "
              "a report)",
              kind, tree_path(loc->file), loc->line);
    arch_dump_stack();
    pr_err("===================================================="
           "============================\n");
    reporting = false;
}

static void
report_overflow(struct overflow_data *d, const void *lhs, const void *rhs,
                char op)
{
    char a[32], b[32];
    const char *kind = type_signed(d->type) ? "signed-integer-overflow"
                                            : "unsigned-integer-overflow";
    if (!report_begin(&d->loc, kind))
        return;
    pr_err("%s %c %s cannot be represented in type %s\n",
           value_str(a, d->type, lhs), op, value_str(b, d->type, rhs),
           d->type->name);
    report_end(kind, &d->loc);
}

/* ------------------------------------------------------------- handlers */

/* The handlers' names are the compiler's; nothing in Keel calls them. */
void __ubsan_handle_add_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_sub_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_mul_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_negate_overflow(void *data, void *old);
void __ubsan_handle_divrem_overflow(void *data, void *lhs, void *rhs);
void __ubsan_handle_shift_out_of_bounds(void *data, void *lhs, void *rhs);
void __ubsan_handle_out_of_bounds(void *data, void *index);
void __ubsan_handle_type_mismatch_v1(void *data, void *ptr);
void __ubsan_handle_load_invalid_value(void *data, void *val);
void __ubsan_handle_nonnull_arg(void *data);
void __ubsan_handle_nonnull_return_v1(void *data, void *loc);
void __ubsan_handle_vla_bound_not_positive(void *data, void *bound);
void __ubsan_handle_pointer_overflow(void *data, void *base, void *result);
void __ubsan_handle_invalid_builtin(void *data);
__noreturn void __ubsan_handle_builtin_unreachable(void *data);

// [ubsan_handler]
/* A `+` whose result does not fit its type. */
void
__ubsan_handle_add_overflow(void *data, void *lhs, void *rhs)
{
    report_overflow(data, lhs, rhs, '+');
}

/* A `-` whose result does not fit its type. */
void
__ubsan_handle_sub_overflow(void *data, void *lhs, void *rhs)
{
    report_overflow(data, lhs, rhs, '-');
}

/* A `*` whose result does not fit its type. */
void
__ubsan_handle_mul_overflow(void *data, void *lhs, void *rhs)
{
    report_overflow(data, lhs, rhs, '*');
}

/* `-x` of the most negative value. */
void
__ubsan_handle_negate_overflow(void *data, void *old)
{
    struct overflow_data *d = data;
    char a[32];
    if (!report_begin(&d->loc, "negation-overflow"))
        return;
    pr_err("negation of %s cannot be represented in type %s\n",
           value_str(a, d->type, old), d->type->name);
    report_end("negation-overflow", &d->loc);
}

/* `/` or `%` by zero, or the most negative value by -1. */
void
__ubsan_handle_divrem_overflow(void *data, void *lhs, void *rhs)
{
    struct overflow_data *d = data;
    char a[32];
    if (!report_begin(&d->loc, "division-overflow"))
        return;
    if (type_signed(d->type) && (int64_t)value_bits(d->type, rhs) == -1)
        pr_err("division of %s by -1 cannot be represented in type %s\n",
               value_str(a, d->type, lhs), d->type->name);
    else
        pr_err("division by zero\n");
    report_end("division-overflow", &d->loc);
}

/* A shift by a negative or too large exponent, or of a negative value
 * or into the sign bit. */
void
__ubsan_handle_shift_out_of_bounds(void *data, void *lhs, void *rhs)
{
    struct shift_data *d = data;
    char a[32], b[32];
    if (!report_begin(&d->loc, "shift-out-of-bounds"))
        return;
    value_str(a, d->lhs_type, lhs);
    value_str(b, d->rhs_type, rhs);
    if (value_negative(d->rhs_type, rhs))
        pr_err("shift exponent %s is negative\n", b);
    else if (value_bits(d->rhs_type, rhs) >= type_bits(d->lhs_type))
        pr_err("shift exponent %s is too large for %u-bit type %s\n", b,
               type_bits(d->lhs_type), d->lhs_type->name);
    else if (value_negative(d->lhs_type, lhs))
        pr_err("left shift of negative value %s\n", a);
    else
        pr_err("left shift of %s by %s places cannot be represented in "
               "type %s\n",
               a, b, d->lhs_type->name);
    report_end("shift-out-of-bounds", &d->loc);
}
// [ubsan_handler]

/* An array index outside the array's declared bounds. */
void
__ubsan_handle_out_of_bounds(void *data, void *index)
{
    struct bounds_data *d = data;
    char a[32];
    if (!report_begin(&d->loc, "array-index-out-of-bounds"))
        return;
    pr_err("index %s is out of range for type %s\n",
           value_str(a, d->index_type, index), d->array_type->name);
    report_end("array-index-out-of-bounds", &d->loc);
}

/* What the access was, by the check's kind number (the compiler's list). */
static const char *const check_kinds[] = {
    "load of",
    "store to",
    "reference binding to",
    "member access within",
    "member call on",
    "constructor call on",
    "downcast of",
    "downcast of",
    "upcast of",
    "cast to virtual base of",
    "_Nonnull binding to",
    "dynamic operation on",
};

/* A NULL, misaligned or too small object behind a pointer. */
void
__ubsan_handle_type_mismatch_v1(void *data, void *ptr)
{
    struct mismatch_data *d = data;
    uint64_t align = 1UL << d->log_alignment;
    const char *what = d->check_kind < ARRAY_SIZE(check_kinds)
                           ? check_kinds[d->check_kind]
                           : "access to";
    const char *kind = "object-size-mismatch";
    if (ptr == NULL)
        kind = "null-ptr-deref";
    else if (align > 1 && ((uintptr_t)ptr & (align - 1)) != 0)
        kind = "misaligned-access";
    if (!report_begin(&d->loc, kind))
        return;
    if (ptr == NULL)
        pr_err("%s null pointer of type %s\n", what, d->type->name);
    else if (kind[0] == 'm')
        pr_err("%s misaligned address %p for type %s, which requires %lu "
               "byte alignment\n",
               what, ptr, d->type->name, (unsigned long)align);
    else
        pr_err("%s address %p with insufficient space for an object of "
               "type %s\n",
               what, ptr, d->type->name);
    report_end(kind, &d->loc);
}

/* A load of a value its type cannot hold (a bool of 2, an enum out of
 * range). */
void
__ubsan_handle_load_invalid_value(void *data, void *val)
{
    struct invalid_value_data *d = data;
    char a[32];
    if (!report_begin(&d->loc, "invalid-load"))
        return;
    pr_err("load of value %s is not a valid value for type %s\n",
           value_str(a, d->type, val), d->type->name);
    report_end("invalid-load", &d->loc);
}

/* NULL passed for an argument declared nonnull. */
void
__ubsan_handle_nonnull_arg(void *data)
{
    struct nonnull_arg_data *d = data;
    if (!report_begin(&d->loc, "nonnull-argument"))
        return;
    pr_err("null pointer passed as argument %d, which is declared to "
           "never be null\n",
           d->arg_index);
    report_end("nonnull-argument", &d->loc);
}

/* NULL returned from a function declared returns_nonnull. */
void
__ubsan_handle_nonnull_return_v1(void *data, void *loc)
{
    struct nonnull_return_data *d = data;
    struct ubsan_loc *where = loc;
    if (!report_begin(where, "nonnull-return"))
        return;
    pr_err("null pointer returned from a function declared to never "
           "return null (%s:%u)\n",
           tree_path(d->attr_loc.file), d->attr_loc.line);
    report_end("nonnull-return", where);
}

/* A variable-length array of zero or fewer elements. */
void
__ubsan_handle_vla_bound_not_positive(void *data, void *bound)
{
    struct vla_data *d = data;
    char a[32];
    if (!report_begin(&d->loc, "vla-bound"))
        return;
    pr_err("variable length array bound evaluates to non-positive value "
           "%s\n",
           value_str(a, d->type, bound));
    report_end("vla-bound", &d->loc);
}

/* Pointer arithmetic that wrapped around, or made NULL from non-NULL. */
void
__ubsan_handle_pointer_overflow(void *data, void *base, void *result)
{
    struct loc_data *d = data;
    if (!report_begin(&d->loc, "pointer-overflow"))
        return;
    if (base == NULL)
        pr_err("applying non-zero offset %p to null pointer\n", result);
    else if (result == NULL)
        pr_err("applying non-zero offset to non-null pointer %p produced "
               "null pointer\n",
               base);
    else
        pr_err("pointer index expression with base %p overflowed to %p\n", base,
               result);
    report_end("pointer-overflow", &d->loc);
}

/* __builtin_ctz() or __builtin_clz() of zero. */
void
__ubsan_handle_invalid_builtin(void *data)
{
    struct builtin_data *d = data;
    if (!report_begin(&d->loc, "invalid-builtin-use"))
        return;
    pr_err("passing zero to %s, which is not a valid argument\n",
           d->kind == 0 ? "ctz()" : "clz()");
    report_end("invalid-builtin-use", &d->loc);
}

/* Control reached __builtin_unreachable(): there is nowhere to go on. */
__noreturn void
__ubsan_handle_builtin_unreachable(void *data)
{
    struct loc_data *d = data;
    panic("UBSAN: unreachable code reached in %s:%u", tree_path(d->loc.file),
          d->loc.line);
}
