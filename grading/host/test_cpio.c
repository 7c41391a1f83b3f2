/*
 * Host unit test for fs/initramfs/cpio.c, the newc cpio parser.
 *
 * Guards against: a parser that misreads the header fields, names or
 * data; padding off by a byte for some name or data length (every file
 * after it is then garbage); a lookup that fails on "./init" or "/init";
 * and, since the archive comes from outside the kernel, any read past its
 * end or any entry that points outside it, whatever its bytes: bad magic,
 * bad digits, truncation anywhere, sizes of 0 or near 2^32.
 *
 * The test packs its own archives with a small newc writer, then checks
 * what cpio_next() and cpio_find() make of them, of hand-broken copies,
 * and of 200000 randomly mutated or truncated copies (a seeded generator,
 * so a failure repeats). Each archive the parser sees lives in a heap
 * block of exactly its length, so AddressSanitizer stops the test at the
 * first byte read past the end.
 *
 * Built by `make host-test` with the kernel file compiled for the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"

#include "fs/cpio.h"
#include "uapi/errno.h"

/* Header fields after the magic, as in cpio.c. */
enum {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJOR,
    F_DEVMINOR,
    F_RDEVMAJOR,
    F_RDEVMINOR,
    F_NAMESIZE,
    F_CHECK,
    F_COUNT
};

/* Byte offset of field @p f in a header. */
#define FIELD_AT(f) (6 + 8 * (f))

/* ------------------------------------------------------ the newc writer */

/** An archive being written. */
struct ar {
    unsigned char *buf;
    size_t len, cap;
    int upper;    /* hex digits in upper case (gen_init_cpio) or lower */
    unsigned seq; /* members written: the source of the other fields */
};

static void
ar_put(struct ar *a, const void *p, size_t n)
{
    if (a->len + n > a->cap) {
        a->cap = (a->len + n) * 2 + 64;
        a->buf = realloc(a->buf, a->cap);
        if (a->buf == NULL)
            abort();
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void
ar_pad(struct ar *a)
{
    while (a->len % 4 != 0)
        ar_put(a, "", 1);
}

/* The field values the writer gives member number @p seq. */
static void
member_fields(uint32_t f[F_COUNT], unsigned seq, uint32_t mode, size_t size,
              size_t namesize)
{
    f[F_INO] = 700 + seq;
    f[F_MODE] = mode;
    f[F_UID] = 1000 + seq;
    f[F_GID] = 100 + seq;
    f[F_NLINK] = 1 + seq % 3;
    f[F_MTIME] = 0x60000000u + seq;
    f[F_FILESIZE] = (uint32_t)size;
    f[F_DEVMAJOR] = 8;
    f[F_DEVMINOR] = seq;
    f[F_RDEVMAJOR] = 0xabcdef01u;
    f[F_RDEVMINOR] = 0x10fedcbau + seq;
    f[F_NAMESIZE] = (uint32_t)namesize;
    f[F_CHECK] = 0;
}

/* Append one member; return the offset of its header. */
static size_t
ar_member(struct ar *a, const char *name, uint32_t mode, const void *data,
          size_t size)
{
    size_t at = a->len;
    uint32_t f[F_COUNT];
    member_fields(f, a->seq++, mode, size, strlen(name) + 1);
    char h[CPIO_HEADER_SIZE + 1];
    int n = snprintf(h, sizeof(h), "070701");
    for (int i = 0; i < F_COUNT; i++)
        n += snprintf(h + n, sizeof(h) - n, a->upper ? "%08X" : "%08x", f[i]);
    ar_put(a, h, CPIO_HEADER_SIZE);
    ar_put(a, name, strlen(name) + 1);
    ar_pad(a);
    ar_put(a, data, size);
    ar_pad(a);
    return at;
}

static size_t
ar_file(struct ar *a, const char *name, const char *text)
{
    return ar_member(a, name, CPIO_S_IFREG | 0644, text, strlen(text));
}

static void
ar_trailer(struct ar *a)
{
    ar_member(a, "TRAILER!!!", 0, "", 0);
}

/* Overwrite field @p f of the header at @p at with @p v. */
static void
set_field(unsigned char *buf, size_t at, int f, uint32_t v)
{
    char digits[9];
    snprintf(digits, sizeof(digits), "%08x", v);
    memcpy(buf + at + FIELD_AT(f), digits, 8);
}

/* A heap copy of the first @p len bytes of @p p, exactly @p len long. */
static unsigned char *
exact_copy(const void *p, size_t len)
{
    unsigned char *c = malloc(len ? len : 1);
    if (c == NULL)
        abort();
    memcpy(c, p, len);
    return c;
}

/* ------------------------------------------------- checks on the result */

/* Result of parsing the @p len bytes at @p buf from offset 0, one member. */
static int
first(const unsigned char *buf, size_t len, struct cpio_entry *e)
{
    size_t off = 0;
    return cpio_next(buf, len, &off, e);
}

/* Parse the first member of a heap copy of @p len bytes of @p a. */
static int
first_of(const struct ar *a, size_t len)
{
    unsigned char *c = exact_copy(a->buf, len);
    struct cpio_entry e;
    int r = first(c, len, &e);
    free(c);
    return r;
}

/* Does @p e lie inside the @p len bytes at @p buf, name NUL included? */
static int
entry_in_bounds(const struct cpio_entry *e, const unsigned char *buf,
                size_t len)
{
    const char *b = (const char *)buf;
    const char *n = e->name, *d = e->data;
    return n >= b && n <= b + len && e->namelen < len &&
           (size_t)(n - b) + e->namelen + 1 <= len && d >= b && d <= b + len &&
           e->size <= len && (size_t)(d - b) + e->size <= len;
}

/* -------------------------------------------------------------- tests */

/* Every field, name and data is read back as written. */
static void
test_fields(void)
{
    for (int upper = 0; upper <= 1; upper++) {
        struct ar a = {.upper = upper};
        ar_member(&a, ".", CPIO_S_IFDIR | 0755, "", 0);
        ar_file(&a, "./init", "#!/bin/sh\necho hello\n");
        ar_member(&a, "./bin", CPIO_S_IFDIR | 0755, "", 0);
        ar_member(&a, "./bin/sh", CPIO_S_IFLNK | 0777, "busybox", 7);
        ar_trailer(&a);
        unsigned char *buf = exact_copy(a.buf, a.len);

        static const struct {
            const char *name;
            uint32_t mode;
            const char *data;
        } want[] = {
            {".", CPIO_S_IFDIR | 0755, ""},
            {"./init", CPIO_S_IFREG | 0644, "#!/bin/sh\necho hello\n"},
            {"./bin", CPIO_S_IFDIR | 0755, ""},
            {"./bin/sh", CPIO_S_IFLNK | 0777, "busybox"},
        };
        size_t off = 0;
        for (unsigned i = 0; i < 4; i++) {
            struct cpio_entry e;
            int r = cpio_next(buf, a.len, &off, &e);
            CHECK(r == 1, "member %u: %d", i, r);
            if (r != 1)
                break;
            uint32_t f[F_COUNT];
            member_fields(f, i, want[i].mode, strlen(want[i].data),
                          strlen(want[i].name) + 1);
            CHECK(e.namelen == strlen(want[i].name) &&
                      memcmp(e.name, want[i].name, e.namelen) == 0 &&
                      e.name[e.namelen] == 0,
                  "member %u: name %.*s", i, (int)e.namelen, e.name);
            CHECK(e.mode == want[i].mode, "member %u: mode %o", i, e.mode);
            CHECK(e.size == strlen(want[i].data) &&
                      memcmp(e.data, want[i].data, e.size) == 0,
                  "member %u: %zu bytes of data", i, e.size);
            CHECK(e.uid == f[F_UID] && e.gid == f[F_GID] &&
                      e.nlink == f[F_NLINK] && e.mtime == f[F_MTIME],
                  "member %u: uid %u gid %u nlink %u mtime %u", i, e.uid, e.gid,
                  e.nlink, e.mtime);
            CHECK(e.devmajor == f[F_DEVMAJOR] && e.devminor == f[F_DEVMINOR] &&
                      e.rdevmajor == f[F_RDEVMAJOR] &&
                      e.rdevminor == f[F_RDEVMINOR],
                  "member %u: dev %x:%x rdev %x:%x", i, e.devmajor, e.devminor,
                  e.rdevmajor, e.rdevminor);
            CHECK(off % 4 == 0, "member %u: next offset %zu", i, off);
        }
        struct cpio_entry e;
        size_t at_trailer = off;
        CHECK(cpio_next(buf, a.len, &off, &e) == 0, "no end at the trailer");
        CHECK(off == at_trailer, "offset moved at the trailer");
        CHECK(cpio_next(buf, a.len, &off, &e) == 0, "no end the second time");
        free(buf);
        free(a.buf);
    }
}

/* Every name length and data length modulo 4, one after the other. */
static void
test_padding(void)
{
    struct ar a = {0};
    char name[16], data[16];
    for (int i = 0; i < 16; i++)
        data[i] = (char)('a' + i);
    for (size_t nl = 1; nl <= 8; nl++) {
        for (size_t sz = 0; sz <= 9; sz++) {
            memset(name, 'n', nl);
            name[nl] = 0;
            name[0] = (char)('0' + sz);
            ar_member(&a, name, CPIO_S_IFREG | 0600, data, sz);
        }
    }
    ar_trailer(&a);
    unsigned char *buf = exact_copy(a.buf, a.len);
    size_t off = 0;
    for (size_t nl = 1; nl <= 8; nl++) {
        for (size_t sz = 0; sz <= 9; sz++) {
            struct cpio_entry e;
            int r = cpio_next(buf, a.len, &off, &e);
            CHECK(r == 1, "name %zu, size %zu: %d", nl, sz, r);
            if (r != 1)
                goto out;
            CHECK(e.namelen == nl && e.name[0] == (char)('0' + sz),
                  "name %zu, size %zu: name %.*s", nl, sz, (int)e.namelen,
                  e.name);
            CHECK(e.size == sz && memcmp(e.data, data, sz) == 0,
                  "name %zu, size %zu: %zu bytes of data", nl, sz, e.size);
            // header and name padded together to a multiple of 4
            size_t hdr =
                (size_t)(e.name - (const char *)buf) - CPIO_HEADER_SIZE;
            size_t want = hdr + ((CPIO_HEADER_SIZE + nl + 1 + 3) & ~3UL);
            CHECK((size_t)((const unsigned char *)e.data - buf) == want,
                  "name %zu: data not at offset %zu", nl, want);
            CHECK(off % 4 == 0, "name %zu, size %zu: next at %zu", nl, sz, off);
        }
    }
    struct cpio_entry e;
    CHECK(cpio_next(buf, a.len, &off, &e) == 0, "no trailer at the end");
out:
    free(buf);
    free(a.buf);
}

/* Ends: no trailer, the last padding cut off, zero blocks after it. */
static void
test_ends(void)
{
    struct ar a = {0};
    ar_file(&a, "a", "xyz"); // 3 bytes: one byte of padding after
    struct cpio_entry e;
    for (size_t cut = 0; cut <= 1; cut++) {
        size_t len = a.len - cut;
        unsigned char *buf = exact_copy(a.buf, len);
        size_t off = 0;
        CHECK(cpio_next(buf, len, &off, &e) == 1 && e.size == 3,
              "cut %zu: member not read", cut);
        CHECK(off == len, "cut %zu: offset %zu, len %zu", cut, off, len);
        CHECK(cpio_next(buf, len, &off, &e) == 0, "cut %zu: no end", cut);
        free(buf);
    }
    // a member after the trailer is never seen; nor are zeros after it
    ar_trailer(&a);
    ar_file(&a, "b", "hidden");
    ar_put(&a, (char[512]){0}, 512);
    unsigned char *buf = exact_copy(a.buf, a.len);
    size_t off = 0;
    CHECK(cpio_next(buf, a.len, &off, &e) == 1, "first member");
    CHECK(cpio_next(buf, a.len, &off, &e) == 0, "no end at the trailer");
    CHECK(cpio_find(buf, a.len, "b", &e) == -ENOENT, "found past the trailer");
    free(buf);

    // an empty archive, and offsets beyond the end
    off = 0;
    CHECK(cpio_next(a.buf, 0, &off, &e) == 0, "empty archive");
    off = a.len + 1;
    CHECK(cpio_next(a.buf, a.len, &off, &e) == -EINVAL, "offset past len");
    off = SIZE_MAX;
    CHECK(cpio_next(a.buf, a.len, &off, &e) == -EINVAL, "offset SIZE_MAX");
    CHECK(off == SIZE_MAX, "offset changed by an error");
    free(a.buf);
}

/* cpio_find() ignores leading "/" and "./", on both sides. */
static void
test_find(void)
{
    static const char *stored[] = {"init", "./init", "/init"};
    static const char *asked[] = {"init", "./init", "/init", "//init",
                                  "././init"};
    for (unsigned s = 0; s < 3; s++) {
        struct ar a = {0};
        ar_member(&a, ".", CPIO_S_IFDIR | 0755, "", 0);
        ar_file(&a, "initrd", "no");
        ar_file(&a, stored[s], "yes");
        ar_file(&a, "./bin/sh", "shell");
        ar_trailer(&a);
        unsigned char *buf = exact_copy(a.buf, a.len);
        for (unsigned q = 0; q < 5; q++) {
            struct cpio_entry e = {0};
            int r = cpio_find(buf, a.len, asked[q], &e);
            CHECK(r == 0 && e.size == 3 && memcmp(e.data, "yes", 3) == 0,
                  "stored %s, asked %s: %d", stored[s], asked[q], r);
        }
        struct cpio_entry e;
        CHECK(cpio_find(buf, a.len, "/bin/sh", &e) == 0 && e.size == 5,
              "/bin/sh");
        CHECK(cpio_find(buf, a.len, "bin/sh", &e) == 0, "bin/sh");
        CHECK(cpio_find(buf, a.len, "/", &e) == 0 &&
                  (e.mode & CPIO_S_IFMT) == CPIO_S_IFDIR,
              "/ is not the root directory");
        static const char *absent[] = {"ini", "initx", "/init/", "in it",
                                       "sh",  "bin",   "../init"};
        for (unsigned q = 0; q < sizeof(absent) / sizeof(absent[0]); q++)
            CHECK(cpio_find(buf, a.len, absent[q], &e) == -ENOENT, "found %s",
                  absent[q]);
        free(buf);
        free(a.buf);
    }
    // the last of two members with one name wins, as when unpacking
    struct ar a = {0};
    ar_file(&a, "./etc/motd", "old");
    ar_file(&a, "etc/motd", "newer");
    ar_trailer(&a);
    struct cpio_entry e;
    CHECK(cpio_find(a.buf, a.len, "/etc/motd", &e) == 0 && e.size == 5,
          "the first of two members with one name won");
    // a broken archive reports its error, not "no such file"
    a.buf[a.len - 40] = 'z'; // a digit in the trailer's header
    CHECK(cpio_find(a.buf, a.len, "nothere", &e) == -EINVAL,
          "broken archive not reported");
    free(a.buf);
}

/* Wrong magic or digits; output and offset are left alone on error. */
static void
test_bad_header(void)
{
    struct ar a = {0};
    ar_file(&a, "f", "data");
    ar_trailer(&a);
    static const char *magics[] = {"070707", "070702", "070700",
                                   "07070",  "170701", "\0\0\0\0\0\0"};
    for (unsigned i = 0; i < 6; i++) {
        unsigned char *buf = exact_copy(a.buf, a.len);
        memcpy(buf, magics[i], 6);
        struct cpio_entry e = {.size = 12345};
        size_t off = 0;
        CHECK(cpio_next(buf, a.len, &off, &e) == -EINVAL, "magic %u", i);
        CHECK(off == 0 && e.size == 12345, "error changed offset or entry");
        free(buf);
    }
    // a gzip-compressed archive gets its own error
    unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0};
    struct cpio_entry e;
    CHECK(first(gz, sizeof(gz), &e) == -ENOEXEC, "gzip not recognised");
    CHECK(first(gz, 2, &e) == -ENOEXEC, "2-byte gzip not recognised");
    CHECK(first(gz, 1, &e) == -EINVAL, "1-byte archive");
    // a non-hex character in each digit of each field
    static const char bad[] = {'g', 'G', 'x', ' ', '-', '+',
                               0,   '/', ':', '@', '`', (char)0xff};
    for (int f = 0; f < F_COUNT; f++) {
        for (int d = 0; d < 8; d++) {
            unsigned char *buf = exact_copy(a.buf, a.len);
            buf[FIELD_AT(f) + d] = (unsigned char)bad[(f * 8 + d) % 12];
            CHECK(first(buf, a.len, &e) == -EINVAL, "field %d digit %d = %02x",
                  f, d, buf[FIELD_AT(f) + d]);
            free(buf);
        }
    }
    free(a.buf);
}

/* Every cut of a member is refused, except after its data. */
static void
test_truncated(void)
{
    struct ar a = {0};
    ar_file(&a, "some/file", "0123456789"); // name 10, pad 0; data 10, pad 2
    size_t data_end = a.len - 2;
    for (size_t len = 1; len < data_end; len++)
        CHECK(first_of(&a, len) == -EINVAL, "cut at %zu of %zu accepted", len,
              data_end);
    CHECK(first_of(&a, data_end) == 1, "cut after the data refused");
    free(a.buf);
}

/* Names: size 0, 1, not NUL-terminated, NUL inside, too long. */
static void
test_names(void)
{
    struct ar a = {0};
    ar_file(&a, "abcdefg", "x"); // namesize 8
    ar_trailer(&a);
    static const struct {
        uint32_t namesize;
        int want;
    } cases[] = {
        {0, -EINVAL},
        {1, -EINVAL},
        {7, -EINVAL},
        {9, -EINVAL},
        {4097, -ENAMETOOLONG},
        {0xffffffffu, -ENAMETOOLONG},
        {0x80000000u, -ENAMETOOLONG},
        {8, 1},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char *buf = exact_copy(a.buf, a.len);
        set_field(buf, 0, F_NAMESIZE, cases[i].namesize);
        struct cpio_entry e;
        int r = first(buf, a.len, &e);
        CHECK(r == cases[i].want, "namesize %u: %d, expected %d",
              cases[i].namesize, r, cases[i].want);
        free(buf);
    }
    // a NUL inside the name
    unsigned char *buf = exact_copy(a.buf, a.len);
    buf[CPIO_HEADER_SIZE + 3] = 0;
    struct cpio_entry e;
    CHECK(first(buf, a.len, &e) == -EINVAL, "NUL inside the name");
    free(buf);
    free(a.buf);

    // the longest name (4095 bytes and its NUL) passes; one more does not
    for (size_t n = CPIO_NAME_MAX - 1; n <= CPIO_NAME_MAX; n++) {
        struct ar b = {0};
        char *name = malloc(n + 1);
        memset(name, 'q', n);
        name[n] = 0;
        ar_file(&b, name, "x");
        int r = first_of(&b, b.len);
        CHECK(r == (n < CPIO_NAME_MAX ? 1 : -ENAMETOOLONG),
              "name of %zu bytes: %d", n, r);
        free(name);
        free(b.buf);
    }
}

/* Data sizes from just fitting to 2^32 - 1: no sum may wrap. */
static void
test_sizes(void)
{
    struct ar a = {0};
    ar_file(&a, "f", "12345678"); // name 2 -> data at 112, ends at 120
    size_t len = a.len;
    static const uint32_t sizes[] = {9,           12,          13,
                                     0x7fffffffu, 0x80000000u, 0xfffffff8u,
                                     0xfffffffcu, 0xffffffffu};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *buf = exact_copy(a.buf, len);
        set_field(buf, 0, F_FILESIZE, sizes[i]);
        struct cpio_entry e;
        CHECK(first(buf, len, &e) == -EINVAL, "size 0x%x in %zu bytes",
              sizes[i], len);
        free(buf);
    }
    // sizes that fit: the data then takes the padding or less
    for (uint32_t s = 0; s <= 8; s++) {
        unsigned char *buf = exact_copy(a.buf, len);
        set_field(buf, 0, F_FILESIZE, s);
        struct cpio_entry e;
        size_t off = 0;
        CHECK(cpio_next(buf, len, &off, &e) == 1 && e.size == s,
              "size %u refused", s);
        CHECK(off <= len && (off % 4 == 0 || off == len), "size %u: next %zu",
              s, off);
        free(buf);
    }
    free(a.buf);
}

/* --------------------------------------------------------------- fuzz */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
    return xorshift64(&rng);
}

/* A valid archive with a few members of random names and sizes. */
static void
fuzz_seed_archive(struct ar *a)
{
    char name[24], data[80];
    for (int i = 0; i < (int)sizeof(data); i++)
        data[i] = (char)rnd();
    ar_member(a, ".", CPIO_S_IFDIR | 0755, "", 0);
    for (int m = 0; m < 6; m++) {
        size_t nl = 1 + rnd() % 20;
        for (size_t i = 0; i < nl; i++)
            name[i] = "abcdefgh/._-"[rnd() % 12];
        name[nl] = 0;
        name[0] = 'a' + m;
        ar_member(a, name, CPIO_S_IFREG | 0644, data, rnd() % sizeof(data));
    }
    ar_trailer(a);
}

/* Change @p buf (of *@p len bytes, room for @p cap) in a random way. */
static void
mutate(unsigned char *buf, size_t *len, size_t cap, const size_t *hdrs,
       int nhdrs)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    int kinds = 1 + rnd() % 3;
    for (int k = 0; k<kinds && * len> 0; k++) {
        size_t at = rnd() % *len;
        size_t h = hdrs[rnd() % nhdrs];
        switch (rnd() % 7) {
        case 0: // a random byte
            buf[at] = (unsigned char)rnd();
            break;
        case 1: // a random hex digit somewhere
            buf[at] = (unsigned char)hex[rnd() % 22];
            break;
        case 2: // a random value in a random field of a header
            if (h + CPIO_HEADER_SIZE <= *len)
                set_field(buf, h, rnd() % F_COUNT,
                          rnd() % 2 ? (uint32_t)rnd() : (uint32_t)rnd() % 300);
            break;
        case 3: // cut the archive short
            *len = rnd() % (*len + 1);
            break;
        case 4: // delete a few bytes
        {
            size_t n = 1 + rnd() % 8;
            if (at + n <= *len) {
                memmove(buf + at, buf + at + n, *len - at - n);
                *len -= n;
            }
            break;
        }
        case 5: // insert a few bytes
        {
            size_t n = 1 + rnd() % 8;
            if (*len + n <= cap) {
                memmove(buf + at + n, buf + at, *len - at);
                for (size_t i = 0; i < n; i++)
                    buf[at + i] = (unsigned char)hex[rnd() % 22];
                *len += n;
            }
            break;
        }
        default: // flip one bit
            buf[at] ^= (unsigned char)(1u << (rnd() % 8));
            break;
        }
    }
}

/* Walk a (mutated) archive: every entry inside it, offsets moving on. */
static void
fuzz_walk(const unsigned char *buf, size_t len)
{
    size_t off = 0;
    struct cpio_entry e;
    int r, n = 0;
    while ((r = cpio_next(buf, len, &off, &e)) == 1) {
        CHECK(entry_in_bounds(&e, buf, len), "entry %d outside the archive", n);
        CHECK(e.name[e.namelen] == 0 && strlen(e.name) == e.namelen,
              "entry %d: name length", n);
        CHECK(off <= len && (const unsigned char *)e.data + e.size <= buf + off,
              "entry %d: next offset %zu before its data", n, off);
        if (++n > (int)(len / CPIO_HEADER_SIZE) + 1) {
            CHECK(0, "%d entries in %zu bytes: no progress", n, len);
            return;
        }
    }
    CHECK(r == 0 || r == -EINVAL || r == -ENAMETOOLONG || r == -ENOEXEC,
          "unexpected result %d", r);
    r = cpio_find(buf, len, "a", &e);
    CHECK(r <= 0, "cpio_find returned %d", r);
    if (r == 0)
        CHECK(entry_in_bounds(&e, buf, len), "found entry outside");
}

static void
test_fuzz(void)
{
    enum { ITERATIONS = 200000, SEEDS = 32 };
    static struct ar seeds[SEEDS];
    static size_t hdrs[SEEDS][8];
    static int nhdrs[SEEDS];
    for (int k = 0; k < SEEDS; k++) {
        seeds[k].upper = k & 1;
        fuzz_seed_archive(&seeds[k]);
        struct cpio_entry e;
        for (size_t off = 0; nhdrs[k] < 8;) {
            hdrs[k][nhdrs[k]++] = off;
            if (cpio_next(seeds[k].buf, seeds[k].len, &off, &e) != 1)
                break;
        }
    }
    int entries_seen = 0;
    static unsigned char work[4096];
    for (int it = 0; it < ITERATIONS; it++) {
        const struct ar *a = &seeds[it % SEEDS];
        if (a->len + 64 > sizeof(work))
            abort();
        memcpy(work, a->buf, a->len);
        size_t len = a->len;
        mutate(work, &len, a->len + 64, hdrs[it % SEEDS], nhdrs[it % SEEDS]);
        // the parser sees a block of exactly len bytes: ASan guards its end
        unsigned char *buf = exact_copy(work, len);
        fuzz_walk(buf, len);
        struct cpio_entry e;
        entries_seen += first(buf, len, &e) == 1;
        free(buf);
    }
    for (int k = 0; k < SEEDS; k++)
        free(seeds[k].buf);
    // the mutations must leave most archives readable, or nothing is tested
    CHECK(entries_seen > ITERATIONS / 2,
          "only %d of %d fuzzed archives had a first member", entries_seen,
          ITERATIONS);
}

int
main(void)
{
    test_fields();
    test_padding();
    test_ends();
    test_find();
    test_bad_header();
    test_truncated();
    test_names();
    test_sizes();
    test_fuzz();
    return check_report("test_cpio");
}
