/**
 * @file
 * @ingroup proc
 * @brief The ELF loader: check an x86_64 program, map its segments (and
 *        its dynamic loader's).
 *
 * execve hands this file the bytes of a program (from the initramfs) and a
 * fresh address space. A program file is an ELF header, a table of program
 * headers, and the segments' bytes (uapi/elf.h draws the file). Loading is
 * one loop over the PT_LOAD segments: for each, add a region with the
 * segment's rights over the pages it spans, then copy its p_filesz bytes
 * from the file to p_vaddr. The rest of the region, up to p_memsz, is the
 * segment's bss: it stays zero, because new pages are zero-filled.
 *
 * @verbatim
 *   file                        address space
 *   +-----------+               +-----------+ <- brk: the heap starts here
 *   |           |               | bss       |    (page-aligned end)
 *   | data      | ------------> | data      |  RW-  p_memsz > p_filesz
 *   +-----------+               +-----------+
 *   | text      | ------------> | text      |  R-X  p_memsz == p_filesz
 *   | phdrs     |               | phdrs     | <- AT_PHDR
 *   | ELF header|               | ELF header|
 *   +-----------+ offset 0      +-----------+ p_vaddr + load bias
 * @endverbatim
 *
 * A position-independent program (ET_DYN, as `gcc -static-pie` and
 * `gcc -pie` write) links at address 0; we place it at ELF_DYN_BASE, where
 * Linux places such programs when address randomisation is off.
 *
 * A dynamically linked program names, in its PT_INTERP segment, the
 * program that must run first: the dynamic loader (`ld.so`, for glibc
 * `/lib64/ld-linux-x86-64.so.2`). The kernel does not link anything
 * itself. As Linux does, it loads the loader too, with elf_load_interp(),
 * at the top of the mmap area (where mmap would have put it), and starts
 * the process at the loader's entry point instead of the program's. The
 * auxiliary vector tells the loader where everything is: AT_PHDR (the
 * program's headers, from which it finds the program's PT_DYNAMIC and
 * needed libraries), AT_ENTRY (where to jump when the libraries are
 * mapped and relocated) and AT_BASE (where the loader itself sits, so
 * that it can relocate itself first). The loader then opens and mmaps the
 * shared libraries with ordinary system calls.
 *
 * @verbatim
 *   0x7ffffffff000  stack (ustack.c)
 *                   ----- MMAP_TOP
 *                   ld.so          <- AT_BASE; the process starts here
 *                   libc.so.6 ...  (mapped later by ld.so, top-down)
 *                   ...
 *                   heap (brk)
 *   0x555555554000  the program    <- AT_PHDR, AT_ENTRY inside it
 * @endverbatim
 *
 * The file comes from outside the kernel, so elf_check() validates every
 * number before elf_load() uses it: each count is compared with what is
 * left (`need > left`, which cannot wrap around), and the headers are
 * copied out rather than read in place, since the initramfs aligns files
 * only to 4 bytes. elf_check() is pure (no allocation, no global state)
 * and is compiled for the host by the unit test grading/host/test_elf.c,
 * which also runs elf_load() against fake address-space functions.
 */
#include "uapi/elf.h"
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/** Where a position-independent program is placed (Linux's ELF_ET_DYN_BASE). */
#define ELF_DYN_BASE 0x0000555555554000UL
/**
 * The lowest address a segment may use. The first 64 KiB stay unmapped so
 * that a NULL pointer, even with an offset, always faults (Linux's default
 * vm.mmap_min_addr).
 */
#define ELF_MIN_ADDR 0x10000UL
/** Segments end below the stack's region, which comes next (ustack.c). */
#define ELF_MAX_ADDR (USER_STACK_TOP - USER_STACK_SIZE)

_Static_assert(ELF_DYN_BASE % PAGE_SIZE == 0, "the load bias keeps pages");

/** The longest interpreter path, with its NUL (Linux's PATH_MAX). */
#define ELF_INTERP_MAX 4096

/* Copy the ELF header out of @p image (at least its size long). */
static void
read_ehdr(const void *image, Elf64_Ehdr *eh)
{
    memcpy(eh, image, sizeof(*eh));
}

/* Copy program header @p i out of @p image; ehdr_ok() checked the table. */
static void
read_phdr(const void *image, const Elf64_Ehdr *eh, unsigned i, Elf64_Phdr *ph)
{
    const uint8_t *table = (const uint8_t *)image + eh->e_phoff;
    memcpy(ph, table + (size_t)i * sizeof(*ph), sizeof(*ph));
}

/* Does program header @p ph ask for memory (a PT_LOAD of some size)? */
static bool
is_load(const Elf64_Phdr *ph)
{
    return ph->p_type == PT_LOAD && ph->p_memsz > 0;
}

/* How far the program is moved from its link addresses. */
static vaddr_t
load_bias(const Elf64_Ehdr *eh)
{
    return eh->e_type == ET_DYN ? ELF_DYN_BASE : 0;
}

/* Is @p eh the header of a 64-bit little-endian x86_64 ELF file? */
static bool
ident_ok(const Elf64_Ehdr *eh)
{
    const unsigned char *id = eh->e_ident;
    if (memcmp(id, ELFMAG, SELFMAG) != 0 || id[EI_CLASS] != ELFCLASS64 ||
        id[EI_DATA] != ELFDATA2LSB || id[EI_VERSION] != EV_CURRENT)
        return false;
    return eh->e_machine == EM_X86_64 && eh->e_version == EV_CURRENT;
}

/* Is @p eh's type one that runs: an executable or a position-independent
 * one? */
static bool
type_ok(const Elf64_Ehdr *eh)
{
    return eh->e_type == ET_EXEC || eh->e_type == ET_DYN;
}

/* Does @p eh's program-header table have the standard entry size and lie
 * whole inside the @p size bytes of the file? */
static bool
phdrs_ok(const Elf64_Ehdr *eh, size_t size)
{
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
        return false;
    size_t table = (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
    return eh->e_phoff <= size && table <= size - eh->e_phoff;
}

/*
 * Is @p eh the header of an x86_64 program whose program-header table
 * lies whole inside the @p size bytes of the file?
 */
static bool
ehdr_ok(const Elf64_Ehdr *eh, size_t size)
{
    return ident_ok(eh) && type_ok(eh) && phdrs_ok(eh, size);
}

/* Does address @p va, moved by @p bias, lie in the program's part? */
static bool
addr_ok(uint64_t va, vaddr_t bias)
{
    return va <= ELF_MAX_ADDR - bias && va + bias >= ELF_MIN_ADDR;
}

/*
 * Is PT_LOAD segment @p ph sound: its file bytes inside the @p size bytes
 * of the file, its memory inside the program's part of user space once
 * moved by @p bias, and its alignment one the ELF rules allow?
 */
static bool
load_ok(const Elf64_Phdr *ph, size_t size, vaddr_t bias)
{
    if (ph->p_filesz > ph->p_memsz)
        return false;
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return false;
    if (!addr_ok(ph->p_vaddr, bias) ||
        ph->p_memsz > ELF_MAX_ADDR - bias - ph->p_vaddr)
        return false;
    // p_align is 0, 1 or a power of two, and p_vaddr == p_offset modulo it
    if (ph->p_align & (ph->p_align - 1))
        return false;
    return ph->p_align <= 1 || (ph->p_vaddr - ph->p_offset) % ph->p_align == 0;
}

/*
 * Is PT_INTERP segment @p ph sound: a path of 2 to ELF_INTERP_MAX bytes
 * inside the @p size bytes of @p image, ending with its NUL (Linux's
 * checks in load_elf_binary)?
 */
static bool
interp_ok(const void *image, size_t size, const Elf64_Phdr *ph)
{
    if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX)
        return false;
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return false;
    const char *path = (const char *)image + ph->p_offset;
    return path[ph->p_filesz - 1] == '\0';
}

/*
 * elf_check() for a file whose header @p eh is sound, its segments moved
 * by @p bias: 0 or -ENOEXEC.
 */
static int
check_at(const void *image, size_t size, const Elf64_Ehdr *eh, vaddr_t bias)
{
    vaddr_t prev_end = 0; // end of the PT_LOAD before, moved by bias
    bool entry_found = false;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        read_phdr(image, eh, i, &ph);
        if (ph.p_type == PT_INTERP && !interp_ok(image, size, &ph))
            return -ENOEXEC;
        if (ph.p_type == PT_PHDR && !addr_ok(ph.p_vaddr, bias))
            return -ENOEXEC;
        if (!is_load(&ph))
            continue;
        if (!load_ok(&ph, size, bias) || ph.p_vaddr + bias < prev_end)
            return -ENOEXEC;
        prev_end = ph.p_vaddr + bias + ph.p_memsz;
        if (eh->e_entry >= ph.p_vaddr && eh->e_entry - ph.p_vaddr < ph.p_memsz)
            entry_found = true;
    }
    return entry_found ? 0 : -ENOEXEC;
}

/**
 * @brief Check that @p image is an ELF64 x86_64 program Keel can load.
 *
 * Checks the header (magic, 64-bit, little endian, version, x86_64, an
 * executable or a position-independent one, program headers of the
 * standard size inside the file), a PT_INTERP's path (inside the file, 2
 * to ELF_INTERP_MAX bytes, NUL-terminated), and each PT_LOAD segment:
 * p_filesz <= p_memsz, its file bytes inside the file, its addresses
 * between 64 KiB and the stack region without wrapping around, a sane
 * p_align, and the segments in ascending order without overlapping (as
 * the ELF specification requires). There must be at least one PT_LOAD,
 * and the entry point must lie inside one.
 *
 * Pure: reads only the @p size bytes at @p image, changes nothing.
 *
 * @param image the file's bytes (any alignment)
 * @param size  their number
 * @return 0 when elf_load() may load it; -ENOEXEC otherwise
 */
int
elf_check(const void *image, size_t size)
{
    Elf64_Ehdr eh;
    if (size < sizeof(eh))
        return -ENOEXEC;
    read_ehdr(image, &eh);
    if (!ehdr_ok(&eh, size))
        return -ENOEXEC;
    return check_at(image, size, &eh, load_bias(&eh));
}

/**
 * @brief The dynamic loader program @p image asks for, or NULL.
 *
 * The path of its first PT_INTERP segment (Linux uses the first too).
 * Pure.
 *
 * @param image the file's bytes, accepted by elf_check()
 * @param size  their number
 * @return a NUL-terminated path inside @p image (valid as long as the
 *         image is), or NULL for a static program
 */
const char *
elf_interp(const void *image, size_t size)
{
    Elf64_Ehdr eh;
    read_ehdr(image, &eh);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        read_phdr(image, &eh, i, &ph);
        if (ph.p_type == PT_INTERP && interp_ok(image, size, &ph))
            return (const char *)image + ph.p_offset;
    }
    return NULL;
}

/* The region rights VM_* for a segment's PF_* flags. */
static unsigned
prot_of(uint32_t p_flags)
{
    unsigned prot = 0;
    if (p_flags & PF_R)
        prot |= VM_READ;
    if (p_flags & PF_W)
        prot |= VM_WRITE;
    if (p_flags & PF_X)
        prot |= VM_EXEC;
    return prot;
}

/*
 * The rights of the PT_LOAD segments after number @p i that start in page
 * @p page (moved by @p bias): the segments are sorted, so they follow @p i
 * directly, and the first one that starts later ends the search.
 */
static unsigned
sharers_prot(const void *image, const Elf64_Ehdr *eh, unsigned i, vaddr_t page,
             vaddr_t bias)
{
    unsigned prot = 0;
    for (unsigned j = i + 1; j < eh->e_phnum; j++) {
        Elf64_Phdr ph;
        read_phdr(image, eh, j, &ph);
        if (!is_load(&ph))
            continue;
        if (ALIGN_DOWN(ph.p_vaddr + bias, PAGE_SIZE) != page)
            break;
        prot |= prot_of(ph.p_flags);
    }
    return prot;
}

/*
 * Add regions for pages [start, end) with rights @p prot, except that the
 * last page gets @p prot | @p last_prot when that is more.
 */
static int
map_pages(struct mm *mm, vaddr_t start, vaddr_t end, unsigned prot,
          unsigned last_prot)
{
    if ((prot | last_prot) == prot)
        return mm_map_anon(mm, start, end - start, prot);
    vaddr_t last = end - PAGE_SIZE;
    if (last > start) {
        int err = mm_map_anon(mm, start, last - start, prot);
        if (err < 0)
            return err;
    }
    return mm_map_anon(mm, last, PAGE_SIZE, prot | last_prot);
}

/*
 * Map and fill PT_LOAD segment @p ph, number @p i of @p eh, moved by
 * @p bias. Segments need not start or end on a page boundary, so two of
 * them may share a page: the last page of one, the first of the next. A
 * region holds whole pages and regions may not overlap, so the shared page
 * goes to the region of the first segment, with the rights of all the
 * segments in it (which may be more than one of them wants: the price of
 * page granularity; linkers avoid it by starting each segment on a fresh
 * page, so the usual static programs never share one).
 */
static int
load_segment(struct mm *mm, const void *image, const Elf64_Ehdr *eh, unsigned i,
             const Elf64_Phdr *ph, vaddr_t bias)
{
    vaddr_t va = ph->p_vaddr + bias;
    vaddr_t start = ALIGN_DOWN(va, PAGE_SIZE);
    vaddr_t end = ALIGN_UP(va + ph->p_memsz, PAGE_SIZE);
    unsigned prot = prot_of(ph->p_flags);
    // the first page may have come with the segment before
    if (mm_find_vma(mm, start) != NULL)
        start += PAGE_SIZE;
    if (start < end) {
        unsigned more = sharers_prot(image, eh, i, end - PAGE_SIZE, bias);
        int err = map_pages(mm, start, end, prot, more);
        if (err < 0)
            return err;
    }
    if (ph->p_filesz == 0)
        return 0;
    const uint8_t *bytes = (const uint8_t *)image + ph->p_offset;
    return mm_copy_to(mm, va, bytes, ph->p_filesz);
}

/*
 * The user address of the program-header table, for AT_PHDR: PT_PHDR
 * says it outright; without one, find the PT_LOAD whose file bytes hold
 * the table. 0 when the table is not loaded at all.
 */
static vaddr_t
phdr_address(const void *image, const Elf64_Ehdr *eh, vaddr_t bias)
{
    uint64_t table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    vaddr_t found = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        read_phdr(image, eh, i, &ph);
        if (ph.p_type == PT_PHDR)
            return ph.p_vaddr + bias;
        if (found != 0 || !is_load(&ph) || eh->e_phoff < ph.p_offset)
            continue;
        uint64_t into = eh->e_phoff - ph.p_offset;
        if (into <= ph.p_filesz && table <= ph.p_filesz - into)
            found = ph.p_vaddr + into + bias;
    }
    return found;
}

/*
 * Map every PT_LOAD segment of @p image (header @p eh, checked at
 * @p bias) into @p mm, moved by @p bias, and fill @p out.
 */
static int
load_at(struct mm *mm, const void *image, const Elf64_Ehdr *eh, vaddr_t bias,
        struct elf_image *out)
{
    vaddr_t end = 0;
    // [elf_load]
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        read_phdr(image, eh, i, &ph);
        if (!is_load(&ph))
            continue; // PT_NOTE, PT_TLS, PT_GNU_STACK, ...: nothing to map
        int err = load_segment(mm, image, eh, i, &ph, bias);
        if (err < 0)
            return err;
        end = MAX(end, ph.p_vaddr + bias + ph.p_memsz);
    }
    // [elf_load]
    out->entry = eh->e_entry + bias;
    out->phdr = phdr_address(image, eh, bias);
    out->phnum = eh->e_phnum;
    out->phent = eh->e_phentsize;
    out->load_bias = bias;
    out->interp_base = 0;
    out->start = out->entry;
    out->brk = ALIGN_UP(end, PAGE_SIZE);
    return 0;
}

/**
 * @brief Load the ELF64 program @p image into address space @p mm.
 *
 * After elf_check() has accepted the file, each PT_LOAD segment gets a
 * region over the pages it spans (rights from its p_flags) and its file
 * bytes copied in; the pages of the bss are left as they come, zero. A
 * dynamically linked program's loader (elf_interp()) is the caller's to
 * load next, with elf_load_interp().
 *
 * @param mm    a new address space with no region yet where the program
 *              goes (exec creates it)
 * @param image the file's bytes (any alignment)
 * @param size  their number
 * @param out   filled with the entry point, the auxv facts about the
 *              program headers, the load bias and the start of the heap
 * @return 0; -ENOEXEC when the file is not a program Keel can run (see
 *         elf_check()); -ENOMEM when memory ran out. On failure @p mm may
 *         hold part of the program: the caller destroys it.
 * @pre @p mm is not yet used by any thread (no locking needed)
 */
int
elf_load(struct mm *mm, const void *image, size_t size, struct elf_image *out)
{
    int err = elf_check(image, size);
    if (err < 0)
        return err;
    Elf64_Ehdr eh;
    read_ehdr(image, &eh);
    return load_at(mm, image, &eh, load_bias(&eh), out);
}

/*
 * The pages the PT_LOAD segments of @p image span at their link
 * addresses, [*lo, *hi); false when there are none or they reach past
 * the user half.
 */
static bool
load_span(const void *image, const Elf64_Ehdr *eh, vaddr_t *lo, vaddr_t *hi)
{
    *lo = ELF_MAX_ADDR;
    *hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        read_phdr(image, eh, i, &ph);
        if (!is_load(&ph))
            continue;
        if (ph.p_vaddr > ELF_MAX_ADDR || ph.p_memsz > ELF_MAX_ADDR - ph.p_vaddr)
            return false;
        *lo = MIN(*lo, ALIGN_DOWN(ph.p_vaddr, PAGE_SIZE));
        *hi = MAX(*hi, ALIGN_UP(ph.p_vaddr + ph.p_memsz, PAGE_SIZE));
    }
    return *hi > *lo;
}

/**
 * @brief Load a program's dynamic loader @p image into @p mm, beside the
 *        program elf_load() put there.
 *
 * A position-independent loader (ET_DYN, as every real one is) goes where
 * mmap would have put a mapping of its size, the highest free range below
 * MMAP_TOP (mm_find_gap()), as Linux maps it. A loader linked at fixed
 * addresses (ET_EXEC: any static program will do) goes at them, if they
 * are free. Then it is checked at that place with elf_check()'s rules
 * and loaded as elf_load() loads a program. Its own PT_INTERP, if it has
 * one, is not followed (Linux ignores it too).
 *
 * Errors are Linux's for the same faults, in the same order
 * (load_elf_binary() and load_elf_interp()): a file shorter than an ELF
 * header is -EIO, one that is not an x86_64 ELF file -ELIBBAD, one of
 * another type (a relocatable object, a core dump) -EINVAL, one whose
 * program headers are not the standard size or lie past its end
 * -ENOEXEC. Segments Keel cannot place (unsound, or where something is
 * already mapped) are -ELIBBAD, where Linux's answer depends on which
 * mmap fails.
 *
 * @param mm    the address space being built, the program already in it
 * @param image the loader file's bytes (any alignment)
 * @param size  their number
 * @param out   filled as elf_load() fills it, for the loader: its entry
 *              point and load bias become the process's start and
 *              AT_BASE
 * @return 0; -EIO, -ELIBBAD, -EINVAL or -ENOEXEC as above; -ENOMEM when
 *         no room or memory is left. On failure the caller destroys
 *         @p mm.
 * @pre @p mm is not yet used by any thread (no locking needed)
 */
int
elf_load_interp(struct mm *mm, const void *image, size_t size,
                struct elf_image *out)
{
    Elf64_Ehdr eh;
    if (size < sizeof(eh))
        return -EIO;
    read_ehdr(image, &eh);
    if (!ident_ok(&eh))
        return -ELIBBAD;
    if (!type_ok(&eh))
        return -EINVAL;
    vaddr_t lo, hi;
    if (!phdrs_ok(&eh, size))
        return -ENOEXEC;
    if (!load_span(image, &eh, &lo, &hi))
        return -ELIBBAD;
    vaddr_t bias = 0;
    if (eh.e_type == ET_DYN) {
        vaddr_t at = mm_find_gap(mm, hi - lo);
        if (at == 0)
            return -ENOMEM;
        bias = at - lo;
    } else if (!mm_range_free(mm, lo, hi)) {
        return -ELIBBAD; // where the program (or its stack) already is
    }
    if (check_at(image, size, &eh, bias) < 0)
        return -ELIBBAD;
    return load_at(mm, image, &eh, bias, out);
}
