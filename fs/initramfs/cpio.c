/**
 * @file
 * @ingroup fs
 * @brief The newc cpio parser: walk an archive in memory, find a file in it.
 *
 * The initramfs is a cpio archive in the "new ASCII" format, newc for
 * short: what `cpio -o -H newc` and Linux's gen_init_cpio write. An
 * archive is a run of members, one per file, directory or link, each a
 * fixed-size header, the member's name and its data. A member named
 * "TRAILER!!!" ends the archive. The header is text: the magic "070701"
 * then 13 fields of exactly 8 hexadecimal digits (no prefix, either case),
 * so every number in it is at most 32 bits.
 *
 * @verbatim
 *   offset  bytes  field         meaning
 *   ------  -----  ------------  -----------------------------------------
 *        0      6  c_magic       "070701"
 *        6      8  c_ino         inode number (links share one)
 *       14      8  c_mode        file type and permission bits, as st_mode
 *       22      8  c_uid         owner
 *       30      8  c_gid         group
 *       38      8  c_nlink       number of links
 *       46      8  c_mtime       modification time, seconds since 1970
 *       54      8  c_filesize    bytes of data
 *       62      8  c_devmajor    device the file was on (major)
 *       70      8  c_devminor    device the file was on (minor)
 *       78      8  c_rdevmajor   for a device node: its device (major)
 *       86      8  c_rdevminor   for a device node: its device (minor)
 *       94      8  c_namesize    bytes of name, its NUL included
 *      102      8  c_check       0 (a checksum only in the "070702" format)
 *      110         the name, c_namesize bytes, the last one NUL
 *
 *   one member, then the next:
 *
 *   +--------------+--------------+-----+-------------------+-----+------
 *   | header (110) | name and NUL | pad | data (c_filesize) | pad | next
 *   +--------------+--------------+-----+-------------------+-----+------
 *   ^ offset % 4 == 0                   ^ offset % 4 == 0         ^ % 4 == 0
 * @endverbatim
 *
 * Padding: NUL bytes after the name bring the data to an offset that is a
 * multiple of 4, and NUL bytes after the data do the same for the next
 * header. Offsets count from the start of the archive; as every header
 * starts at a multiple of 4, that is the same as padding header and name
 * together. A file with no data (a directory) has only the first padding.
 *
 * The archive comes from outside the kernel (the boot loader loaded
 * whatever file it was given), so the parser trusts nothing in it: it
 * reads only bytes in [archive, archive + len), and checks each count
 * against the bytes left before using it, written as `need > left` so
 * that no sum can wrap around. Whatever the bytes, cpio_next() returns an
 * entry that lies inside the archive or an error.
 *
 * Pure code: no allocation, no global state, no locking; compiled for the
 * host too, by the unit test grading/host/test_cpio.c.
 */
#include "fs/cpio.h"
#include "uapi/errno.h"

/** The magic of the newc format; "070702" (crc) and "070707" (odc) differ. */
#define CPIO_MAGIC "070701"
#define CPIO_MAGIC_LEN 6
/** Digits in each header field. */
#define CPIO_FIELD_LEN 8
/** The name of the member that ends an archive. */
#define CPIO_TRAILER "TRAILER!!!"

/** The header fields after the magic, in the order they are stored. */
enum cpio_field {
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
    F_COUNT /**< number of fields: 13 */
};

/* Are the @p n bytes at @p a and @p b the same? */
static bool
bytes_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

/* Bytes of padding that bring @p off up to a multiple of 4. */
static size_t
pad4(size_t off)
{
    return (4 - (off & 3)) & 3;
}

/* The value of the hexadecimal digit @p c, or -1 if it is not one. */
static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read the 8 digits at @p p into *val; false if one is not a hex digit. */
static bool
parse_field(const char *p, uint32_t *val)
{
    uint32_t v = 0;
    for (int i = 0; i < CPIO_FIELD_LEN; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint32_t)d;
    }
    *val = v;
    return true;
}

/*
 * Check the magic of the CPIO_HEADER_SIZE bytes at @p h and read its 13
 * fields into @p f; -EINVAL if the magic or a digit is wrong.
 */
static int
parse_header(const char *h, uint32_t f[F_COUNT])
{
    if (!bytes_equal(h, CPIO_MAGIC, CPIO_MAGIC_LEN))
        return -EINVAL;
    for (int i = 0; i < F_COUNT; i++) {
        if (!parse_field(h + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN, &f[i]))
            return -EINVAL;
    }
    return 0;
}

/*
 * A name of @p size bytes (its NUL included) must be one NUL-terminated
 * string, not empty: a NUL inside would make its length ambiguous.
 */
static bool
name_is_valid(const char *name, uint32_t size)
{
    if (size < 2 || name[size - 1] != 0)
        return false;
    for (uint32_t i = 0; i < size - 1; i++) {
        if (name[i] == 0)
            return false;
    }
    return true;
}

/**
 * @brief Read the archive member at *@p offset and step past it.
 *
 * Start with *@p offset = 0 and call until the result is not 1. Each call
 * checks the header (magic, hex digits), the name (present, NUL-terminated,
 * no longer than CPIO_NAME_MAX) and that name, padding and data all lie
 * inside the archive, then fills @p out with pointers into the archive and
 * moves *@p offset to the next header. The padding after the data of the
 * last member may be cut off; nothing else may.
 *
 * @param archive the archive in memory
 * @param len     its size in bytes
 * @param offset  where the member starts; on return 1, where the next one
 *                starts; otherwise unchanged
 * @param out     the member, filled in only on return 1
 * @return 1 for a member; 0 at the end ("TRAILER!!!" or *@p offset == @p
 *         len); -EINVAL for a bad magic, a bad digit, a name of size 0 or
 *         not NUL-terminated, or a header, name or data that runs past the
 *         end (or *@p offset > @p len); -ENAMETOOLONG for a name longer
 *         than CPIO_NAME_MAX; -ENOEXEC for a gzip-compressed archive
 *         (magic 1f 8b), which Keel does not unpack
 */
int
cpio_next(const void *archive, size_t len, size_t *offset,
          struct cpio_entry *out)
{
    const char *base = archive;
    size_t pos = *offset;
    if (pos > len)
        return -EINVAL;
    if (pos == len)
        return 0;
    const char *h = base + pos;
    if (len - pos >= 2 && (uint8_t)h[0] == 0x1f && (uint8_t)h[1] == 0x8b)
        return -ENOEXEC;
    if (len - pos < CPIO_HEADER_SIZE)
        return -EINVAL;
    uint32_t f[F_COUNT];
    int err = parse_header(h, f);
    if (err < 0)
        return err;

    // the name follows the header
    uint32_t namesize = f[F_NAMESIZE];
    if (namesize == 0)
        return -EINVAL;
    if (namesize > CPIO_NAME_MAX)
        return -ENAMETOOLONG;
    size_t name_at = pos + CPIO_HEADER_SIZE;
    if (namesize > len - name_at)
        return -EINVAL;
    const char *name = base + name_at;
    if (!name_is_valid(name, namesize))
        return -EINVAL;
    if (namesize == sizeof(CPIO_TRAILER) &&
        bytes_equal(name, CPIO_TRAILER, namesize))
        return 0; // *offset stays on the trailer: the end, every time

    // the data, after the name's padding
    size_t data_at = name_at + namesize;
    size_t pad = pad4(data_at);
    if (pad > len - data_at)
        return -EINVAL;
    data_at += pad;
    if (f[F_FILESIZE] > len - data_at)
        return -EINVAL;
    size_t end = data_at + f[F_FILESIZE];
    pad = pad4(end);

    *out = (struct cpio_entry){
        .name = name,
        .namelen = namesize - 1,
        .mode = f[F_MODE],
        .uid = f[F_UID],
        .gid = f[F_GID],
        .nlink = f[F_NLINK],
        .mtime = f[F_MTIME],
        .data = base + data_at,
        .size = f[F_FILESIZE],
        .devmajor = f[F_DEVMAJOR],
        .devminor = f[F_DEVMINOR],
        .rdevmajor = f[F_RDEVMAJOR],
        .rdevminor = f[F_RDEVMINOR],
    };
    *offset = pad > len - end ? len : end + pad;
    return 1;
}

/*
 * Skip the leading "/" and "./" of the @p *n bytes at @p s (a lone "."
 * too: it is the root, like an empty path); *n becomes the bytes left.
 */
static const char *
strip_leading(const char *s, size_t *n)
{
    for (;;) {
        if (*n >= 1 && s[0] == '/') {
            s++;
            *n -= 1;
        } else if (*n >= 2 && s[0] == '.' && s[1] == '/') {
            s += 2;
            *n -= 2;
        } else if (*n == 1 && s[0] == '.') {
            s++;
            *n = 0;
        } else {
            return s;
        }
    }
}

/**
 * @brief Find the member called @p path in an archive.
 *
 * Archives spell the same file "init", "./init" or "/init", depending on
 * how they were made (`find . | cpio` gives "./init"), so leading "/" and
 * "./" are ignored on both sides: "/init", "./init" and "init" all find
 * any of them. If several members have the name, the last one wins, as
 * when the archive is unpacked in order.
 *
 * @param archive the archive in memory
 * @param len     its size in bytes
 * @param path    the NUL-terminated path to look for
 * @param out     the member, filled in only on return 0
 * @return 0; -ENOENT if no member has the name; the error of cpio_next()
 *         if the archive is broken before its end
 */
int
cpio_find(const void *archive, size_t len, const char *path,
          struct cpio_entry *out)
{
    size_t plen = 0;
    while (path[plen] != 0)
        plen++;
    path = strip_leading(path, &plen);

    bool found = false;
    size_t off = 0;
    struct cpio_entry e, last;
    int r;
    while ((r = cpio_next(archive, len, &off, &e)) == 1) {
        size_t n = e.namelen;
        const char *name = strip_leading(e.name, &n);
        if (n == plen && bytes_equal(name, path, n)) {
            last = e;
            found = true;
        }
    }
    if (r < 0)
        return r;
    if (!found)
        return -ENOENT;
    *out = last;
    return 0;
}
