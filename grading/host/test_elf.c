/*
 * Host unit test for kernel/proc/elf.c, the ELF loader, and
 * kernel/proc/ustack.c, the initial user stack.
 *
 * Guards against: a loader that trusts the file (a program header table
 * or a segment past the end of the file, offsets and sizes whose sum
 * wraps around, p_filesz > p_memsz, addresses in the kernel half or over
 * the stack), that takes a malformed PT_INTERP path or puts the dynamic
 * loader anywhere but the top of the mmap area, that maps a
 * segment with the wrong rights or at the wrong place, copies the wrong
 * bytes, fails on two segments sharing a page, or leaves the bss dirty;
 * wrong auxv facts (AT_PHDR, the entry, the load bias of a static-PIE
 * program); and a stack whose argc, argv, envp or auxiliary vector is off
 * by a word, misaligned, or not refused when too big.
 *
 * elf.c and ustack.c are compiled for the host as they are. The address
 * space functions they call (mm_map_anon, mm_find_vma, mm_copy_to) are
 * faked here with the same contract as kernel/mm/uvm.c, over a model
 * memory of pages, so the test can read back what was loaded. Images are
 * hand-built ELF files, hand-broken copies, 100000 randomly mutated or
 * truncated copies (a seeded generator, so a failure repeats), and the
 * real static test programs of user/ when they are built (build/user/;
 * extra files may be named on the command line). Each image lives in a
 * heap block of exactly its length, so AddressSanitizer stops the test at
 * the first byte read past the end.
 *
 * Built by `make host-test` with the kernel files compiled for the host.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcheck.h"

#include "kernel/mm.h"
#include "kernel/proc.h"
#include "uapi/elf.h"
#include "uapi/errno.h"

/* As in elf.c. */
#define DYN_BASE 0x0000555555554000UL
#define MIN_ADDR 0x10000UL
#define MAX_ADDR (USER_STACK_TOP - USER_STACK_SIZE)

/* ------------------------------------------- a model address space */

#define MAX_VMAS 2048

static struct mm the_mm;
static struct vma vmas[MAX_VMAS];
static int nvmas;
static int map_calls_left = -1; /* at 0, mm_map_anon fails: -ENOMEM */
static bool gap_none;           /* mm_find_gap finds no room */

/** One page of the model memory; pages never written read as zero. */
struct page {
    vaddr_t va;
    unsigned char bytes[PAGE_SIZE];
};

static struct page **pages;
static int npages, cap_pages;

static void
mem_reset(void)
{
    for (int i = 0; i < npages; i++)
        free(pages[i]);
    npages = 0;
    nvmas = 0;
    map_calls_left = -1;
    gap_none = false;
}

static struct page *
page_at(vaddr_t va, bool create)
{
    vaddr_t base = va & ~(PAGE_SIZE - 1);
    for (int i = npages - 1; i >= 0; i--) {
        if (pages[i]->va == base)
            return pages[i];
    }
    if (!create)
        return NULL;
    if (npages == cap_pages) {
        cap_pages = cap_pages * 2 + 16;
        pages = realloc(pages, cap_pages * sizeof(*pages));
        if (pages == NULL)
            abort();
    }
    struct page *p = calloc(1, sizeof(*p));
    if (p == NULL)
        abort();
    p->va = base;
    pages[npages++] = p;
    return p;
}

struct vma *
mm_find_vma(struct mm *mm, vaddr_t va)
{
    CHECK(mm == &the_mm, "mm_find_vma got another mm");
    for (int i = 0; i < nvmas; i++) {
        if (va >= vmas[i].start && va < vmas[i].end)
            return &vmas[i];
    }
    return NULL;
}

/* The contract of kernel/mm/uvm.c: -EINVAL for a bad or taken range. */
int
mm_map_anon(struct mm *mm, vaddr_t start, size_t len, unsigned prot)
{
    CHECK(mm == &the_mm, "mm_map_anon got another mm");
    if (map_calls_left == 0)
        return -ENOMEM;
    if (map_calls_left > 0)
        map_calls_left--;
    vaddr_t end = (start + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if ((start & (PAGE_SIZE - 1)) || len == 0 || end <= start || end > USER_TOP)
        return -EINVAL;
    for (int i = 0; i < nvmas; i++) {
        if (start < vmas[i].end && vmas[i].start < end)
            return -EINVAL;
    }
    if (nvmas == MAX_VMAS)
        return -ENOMEM;
    vmas[nvmas++] = (struct vma){.start = start, .end = end, .prot = prot};
    return 0;
}

/* The contract of kernel/mm/uvm.c: writes ignore rights, need a region. */
int
mm_copy_to(struct mm *mm, vaddr_t va, const void *src, size_t len)
{
    CHECK(mm == &the_mm, "mm_copy_to got another mm");
    const unsigned char *s = src;
    while (len > 0) {
        if (mm_find_vma(mm, va) == NULL)
            return -EFAULT;
        size_t off = va & (PAGE_SIZE - 1);
        size_t n = len < PAGE_SIZE - off ? len : PAGE_SIZE - off;
        memcpy(page_at(va, true)->bytes + off, s, n);
        s += n;
        va += n;
        len -= n;
    }
    return 0;
}

/* The contract of kernel/mm/vma.c: the highest free range below MMAP_TOP. */
vaddr_t
mm_find_gap(struct mm *mm, size_t len)
{
    CHECK(mm == &the_mm, "mm_find_gap got another mm");
    if (gap_none || len > MMAP_TOP - MMAP_MIN_ADDR)
        return 0;
    vaddr_t at = MMAP_TOP - len;
    for (int i = 0; i < nvmas; i++) { // lower it past each region in the way
        if (at < vmas[i].end && vmas[i].start < at + len) {
            if (vmas[i].start < MMAP_MIN_ADDR + len)
                return 0;
            at = vmas[i].start - len;
            i = -1;
        }
    }
    return at;
}

/* The contract of kernel/mm/uvm.c: does no region overlap [start, end)? */
bool
mm_range_free(struct mm *mm, vaddr_t start, vaddr_t end)
{
    CHECK(mm == &the_mm, "mm_range_free got another mm");
    for (int i = 0; i < nvmas; i++) {
        if (start < vmas[i].end && vmas[i].start < end)
            return false;
    }
    return true;
}

uint64_t
arch_cycles(void)
{
    static uint64_t t = 12345;
    return t += 977;
}

/* Read model memory; false if some byte lies in no region. */
static bool
mem_read(vaddr_t va, void *dst, size_t len)
{
    unsigned char *d = dst;
    while (len > 0) {
        if (mm_find_vma(&the_mm, va) == NULL)
            return false;
        size_t off = va & (PAGE_SIZE - 1);
        size_t n = len < PAGE_SIZE - off ? len : PAGE_SIZE - off;
        struct page *p = page_at(va, false);
        if (p != NULL)
            memcpy(d, p->bytes + off, n);
        else
            memset(d, 0, n);
        d += n;
        va += n;
        len -= n;
    }
    return true;
}

static uint64_t
mem_u64(vaddr_t va)
{
    uint64_t v = 0xdeadbeefdeadbeefUL;
    CHECK(mem_read(va, &v, sizeof(v)), "stack word %#lx unmapped", va);
    return v;
}

/* ------------------------------------------------------ ELF builders */

/** A segment for the builder. */
struct seg {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

/* An ELF file of @p size bytes: header, @p n program headers, a pattern. */
static unsigned char *
build(uint16_t type, uint64_t entry, const struct seg *segs, int n, size_t size)
{
    unsigned char *b = calloc(1, size);
    if (b == NULL)
        abort();
    for (size_t i = 0; i < size; i++)
        b[i] = (unsigned char)(i * 13 + 7);
    Elf64_Ehdr eh = {
        .e_type = type,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_entry = entry,
        .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (uint16_t)n,
    };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(b, &eh, sizeof(eh));
    for (int i = 0; i < n; i++) {
        Elf64_Phdr ph = {segs[i].type,  segs[i].flags, segs[i].offset,
                         segs[i].vaddr, segs[i].vaddr, segs[i].filesz,
                         segs[i].memsz, segs[i].align};
        memcpy(b + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
    }
    return b;
}

/* A copy of @p len bytes of @p src in a block of exactly that length. */
static unsigned char *
exact_copy(const unsigned char *src, size_t len)
{
    unsigned char *b = malloc(len ? len : 1);
    if (b == NULL)
        abort();
    memcpy(b, src, len);
    return b;
}

/* The standard test program: R headers, R-X text, RW- data and bss. */
#define STD_SIZE 0x2040
static const struct seg std_segs[] = {
    {PT_LOAD, PF_R, 0, 0x400000, 0x200, 0x200, 0x1000},
    {PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000},
    {PT_LOAD, PF_R | PF_W, 0x2010, 0x402010, 0x30, 0x3000, 0x1000},
    {PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16},
};
#define STD_N 4

static unsigned char *
std_image(void)
{
    return build(ET_EXEC, 0x401000, std_segs, STD_N, STD_SIZE);
}

/* A small one for fuzzing: every byte is a header or a segment's. */
#define SMALL_SIZE 0x260
static const struct seg small_segs[] = {
    {PT_LOAD, PF_R, 0, 0x400000, 0x120, 0x120, 0x1000},
    {PT_LOAD, PF_R | PF_X, 0x120, 0x401120, 0x100, 0x100, 0x1000},
    {PT_LOAD, PF_R | PF_W, 0x220, 0x402220, 0x40, 0x2000, 0x1000},
    {PT_TLS, PF_R, 0x220, 0x402220, 0x8, 0x10, 8},
};
#define SMALL_N 4

static unsigned char *
small_image(uint16_t type)
{
    struct seg s[SMALL_N];
    memcpy(s, small_segs, sizeof(s));
    uint64_t shift = type == ET_DYN ? 0x400000 : 0;
    for (int i = 0; i < SMALL_N; i++)
        s[i].vaddr -= shift;
    return build(type, 0x401120 - shift, s, SMALL_N, SMALL_SIZE);
}

/* Byte offset of field @p f of program header @p i. */
#define PH_AT(i, f) (sizeof(Elf64_Ehdr) + (i) * sizeof(Elf64_Phdr) + (f))

static void
put64(unsigned char *b, size_t at, uint64_t v)
{
    memcpy(b + at, &v, sizeof(v));
}

static void
put32(unsigned char *b, size_t at, uint32_t v)
{
    memcpy(b + at, &v, sizeof(v));
}

static void
put16(unsigned char *b, size_t at, uint16_t v)
{
    memcpy(b + at, &v, sizeof(v));
}

/* ------------------------------------------- what a good load looks like */

/* Are pages [start, end) all in regions that allow at least @p prot? */
static bool
covered(vaddr_t start, vaddr_t end, unsigned prot)
{
    vaddr_t at = start & ~(PAGE_SIZE - 1);
    while (at < end) {
        struct vma *v = mm_find_vma(&the_mm, at);
        if (v == NULL || (v->prot & prot) != prot)
            return false;
        at = v->end;
    }
    return true;
}

static unsigned
prot_of(uint32_t f)
{
    return ((f & PF_R) ? VM_READ : 0) | ((f & PF_W) ? VM_WRITE : 0) |
           ((f & PF_X) ? VM_EXEC : 0);
}

/*
 * Check what elf_load() made of @p img (accepted by elf_check), moved by
 * @p bias: regions, bytes, bss, and every field of @p out, against the
 * file itself; when it is @p alone in the address space, that no region
 * lies outside it.
 */
static void
check_loaded_at(const char *name, const unsigned char *img, size_t size,
                const struct elf_image *out, vaddr_t bias, bool alone)
{
    Elf64_Ehdr eh;
    memcpy(&eh, img, sizeof(eh));
    CHECK(out->entry == eh.e_entry + bias, "%s: entry %#lx", name, out->entry);
    CHECK(out->load_bias == bias, "%s: bias %#lx", name, out->load_bias);
    CHECK(out->phnum == eh.e_phnum && out->phent == sizeof(Elf64_Phdr),
          "%s: phnum %u phent %u", name, out->phnum, out->phent);
    CHECK(mm_find_vma(&the_mm, out->entry) != NULL, "%s: entry unmapped", name);
    unsigned char *buf = malloc(size + PAGE_SIZE);
    vaddr_t end = 0, phdr = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_PHDR && phdr == 0)
            phdr = ph.p_vaddr + bias;
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        vaddr_t va = ph.p_vaddr + bias;
        CHECK(va >= MIN_ADDR && va + ph.p_memsz <= MAX_ADDR,
              "%s: segment %d at %#lx accepted", name, i, va);
        CHECK(covered(va, va + ph.p_memsz, prot_of(ph.p_flags)),
              "%s: segment %d not mapped with its rights", name, i);
        CHECK(mem_read(va, buf, ph.p_filesz) &&
                  memcmp(buf, img + ph.p_offset, ph.p_filesz) == 0,
              "%s: segment %d bytes differ", name, i);
        size_t bss = ph.p_memsz - ph.p_filesz;
        bss = bss < PAGE_SIZE ? bss : PAGE_SIZE;
        bool zero = mem_read(va + ph.p_filesz, buf, bss);
        for (size_t k = 0; k < bss; k++)
            zero = zero && buf[k] == 0;
        CHECK(zero, "%s: segment %d bss not zero", name, i);
        end = va + ph.p_memsz > end ? va + ph.p_memsz : end;
    }
    CHECK(out->brk == ((end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)),
          "%s: brk %#lx, end %#lx", name, out->brk, end);
    for (int i = 0; alone && i < nvmas; i++) {
        CHECK(vmas[i].start >= MIN_ADDR && vmas[i].end <= out->brk,
              "%s: region [%#lx, %#lx) outside the program", name,
              vmas[i].start, vmas[i].end);
    }
    // AT_PHDR: PT_PHDR's address, or where the table was loaded
    size_t table = eh.e_phnum * sizeof(Elf64_Phdr);
    if (phdr != 0)
        CHECK(out->phdr == phdr, "%s: phdr %#lx", name, out->phdr);
    else if (out->phdr != 0)
        CHECK(table <= size + PAGE_SIZE && mem_read(out->phdr, buf, table) &&
                  memcmp(buf, img + eh.e_phoff, table) == 0,
              "%s: no program headers at AT_PHDR %#lx", name, out->phdr);
    free(buf);
}

/* check_loaded_at() for a program loaded alone where elf_load() puts it. */
static void
check_loaded(const char *name, const unsigned char *img, size_t size,
             const struct elf_image *out)
{
    Elf64_Ehdr eh;
    memcpy(&eh, img, sizeof(eh));
    check_loaded_at(name, img, size, out, eh.e_type == ET_DYN ? DYN_BASE : 0,
                    true);
}

/* elf_check, then elf_load into a fresh model; the load's result. */
static int
load(const unsigned char *img, size_t size, struct elf_image *out)
{
    mem_reset();
    memset(out, 0, sizeof(*out));
    return elf_load(&the_mm, img, size, out);
}

/* ------------------------------------------------------------ the tests */

static void
test_standard(void)
{
    unsigned char *img = std_image();
    struct elf_image out;
    CHECK(elf_check(img, STD_SIZE) == 0, "standard image refused");
    CHECK(load(img, STD_SIZE, &out) == 0, "standard image not loaded");
    check_loaded("standard", img, STD_SIZE, &out);
    CHECK(nvmas == 3, "%d regions", nvmas);
    const struct vma want[3] = {{0x400000, 0x401000, VM_READ, {0}},
                                {0x401000, 0x402000, VM_READ | VM_EXEC, {0}},
                                {0x402000, 0x406000, VM_READ | VM_WRITE, {0}}};
    for (int i = 0; i < 3 && i < nvmas; i++) {
        CHECK(vmas[i].start == want[i].start && vmas[i].end == want[i].end &&
                  vmas[i].prot == want[i].prot,
              "region %d: [%#lx, %#lx) prot %u", i, vmas[i].start, vmas[i].end,
              vmas[i].prot);
    }
    CHECK(out.entry == 0x401000 && out.phdr == 0x400040 && out.phnum == 4 &&
              out.brk == 0x406000 && out.load_bias == 0,
          "entry %#lx phdr %#lx phnum %u brk %#lx", out.entry, out.phdr,
          out.phnum, out.brk);
    // the bytes before a segment in its first page stay zero
    unsigned char b[16];
    CHECK(mem_read(0x402000, b, 16) && b[0] == 0 && b[15] == 0,
          "bytes before the data segment not zero");

    // with a PT_PHDR, AT_PHDR is what it says
    struct seg s[STD_N];
    memcpy(s, std_segs, sizeof(s));
    s[3] = (struct seg){PT_PHDR, PF_R, 64, 0x400040, 224, 224, 8};
    free(img);
    img = build(ET_EXEC, 0x401000, s, STD_N, STD_SIZE);
    CHECK(load(img, STD_SIZE, &out) == 0 && out.phdr == 0x400040,
          "PT_PHDR: phdr %#lx", out.phdr);
    // headers in no segment: AT_PHDR is 0
    s[0].offset = 0x1000;
    s[0].filesz = s[0].memsz = 0x10;
    s[3].type = PT_NOTE;
    free(img);
    img = build(ET_EXEC, 0x401000, s, STD_N, STD_SIZE);
    CHECK(load(img, STD_SIZE, &out) == 0 && out.phdr == 0,
          "unloaded headers: phdr %#lx", out.phdr);
    free(img);
}

static void
test_static_pie(void)
{
    unsigned char *img = small_image(ET_DYN);
    struct elf_image out;
    CHECK(load(img, SMALL_SIZE, &out) == 0, "static-PIE not loaded");
    check_loaded("static-PIE", img, SMALL_SIZE, &out);
    CHECK(out.load_bias == DYN_BASE && out.entry == DYN_BASE + 0x1120 &&
              out.phdr == DYN_BASE + 0x40 && vmas[0].start == DYN_BASE,
          "bias %#lx entry %#lx phdr %#lx", out.load_bias, out.entry, out.phdr);
    free(img);
}

/*
 * A dynamically linked program: its PT_INTERP path is found, and its
 * loader goes at the top of the mmap area, refused when it is not a
 * position-independent x86_64 ELF file or there is no room.
 */
static void
test_interp(void)
{
    static const char path[] = "/lib64/ld-linux-x86-64.so.2";
    struct seg s[STD_N];
    memcpy(s, std_segs, sizeof(s));
    s[3] = (struct seg){PT_INTERP, PF_R, 0x1f00, 0, sizeof(path), 0, 1};
    unsigned char *img = build(ET_EXEC, 0x401000, s, STD_N, STD_SIZE);
    memcpy(img + 0x1f00, path, sizeof(path));
    CHECK(elf_check(img, STD_SIZE) == 0, "dynamic program refused");
    const char *got = elf_interp(img, STD_SIZE);
    CHECK(got != NULL && strcmp(got, path) == 0, "PT_INTERP not found");
    unsigned char *plain = std_image();
    CHECK(elf_interp(plain, STD_SIZE) == NULL, "a static program has one");
    free(plain);

    struct elf_image prog, ld;
    CHECK(load(img, STD_SIZE, &prog) == 0, "dynamic program not loaded");
    unsigned char *ldimg = small_image(ET_DYN); // links at 0, 5 pages
    int before = nvmas;
    CHECK(elf_load_interp(&the_mm, ldimg, SMALL_SIZE, &ld) == 0,
          "loader not loaded");
    vaddr_t base = MMAP_TOP - 0x5000;
    CHECK(ld.load_bias == base && ld.entry == base + 0x1120 &&
              ld.start == ld.entry && nvmas > before,
          "loader: bias %#lx entry %#lx", ld.load_bias, ld.entry);
    check_loaded_at("loader", ldimg, SMALL_SIZE, &ld, base, false);
    CHECK(prog.entry == 0x401000 && prog.interp_base == 0,
          "the program's own facts changed");
    // a second one goes below the first: the highest gap that is free
    struct elf_image ld2;
    CHECK(elf_load_interp(&the_mm, ldimg, SMALL_SIZE, &ld2) == 0 &&
              ld2.load_bias == base - 0x5000,
          "second loader at %#lx", ld2.load_bias);

    gap_none = true;
    CHECK(elf_load_interp(&the_mm, ldimg, SMALL_SIZE, &ld) == -ENOMEM,
          "no room: not -ENOMEM");
    gap_none = false;
    // a loader at fixed addresses: where the program is, refused
    unsigned char *exec = small_image(ET_EXEC);
    CHECK(elf_load_interp(&the_mm, exec, SMALL_SIZE, &ld) == -ELIBBAD,
          "an ET_EXEC loader over the program accepted");
    // Linux's errors, in its order
    CHECK(elf_load_interp(&the_mm, ldimg, 40, &ld) == -EIO,
          "a loader shorter than its header: not -EIO");
    put16(ldimg, offsetof(Elf64_Ehdr, e_type), 1); // ET_REL
    CHECK(elf_load_interp(&the_mm, ldimg, SMALL_SIZE, &ld) == -EINVAL,
          "an ET_REL loader: not -EINVAL");
    put16(ldimg, offsetof(Elf64_Ehdr, e_type), ET_DYN);
    put16(ldimg, offsetof(Elf64_Ehdr, e_phentsize), 32);
    CHECK(elf_load_interp(&the_mm, ldimg, SMALL_SIZE, &ld) == -ENOEXEC,
          "a loader with odd program headers: not -ENOEXEC");
    ldimg[0] = 0;
    CHECK(elf_load_interp(&the_mm, ldimg, SMALL_SIZE, &ld) == -ELIBBAD,
          "a loader without ELF magic: not -ELIBBAD");
    // ... and in an empty space, at its own addresses
    mem_reset();
    CHECK(elf_load_interp(&the_mm, exec, SMALL_SIZE, &ld) == 0 &&
              ld.load_bias == 0 && ld.entry == 0x401120,
          "an ET_EXEC loader not loaded at its addresses");
    check_loaded_at("ET_EXEC loader", exec, SMALL_SIZE, &ld, 0, true);
    free(exec);
    free(ldimg);
    free(img);
}

/* Segments that share pages: one region per page, all rights in it. */
static void
test_shared_pages(void)
{
    const struct seg two[] = {
        {PT_LOAD, PF_R | PF_X, 0x0, 0x400000, 0x1100, 0x1100, 0x1000},
        {PT_LOAD, PF_R | PF_W, 0x1800, 0x401800, 0x10, 0x1000, 0x1000},
    };
    unsigned char *img = build(ET_EXEC, 0x400100, two, 2, 0x1810);
    struct elf_image out;
    CHECK(load(img, 0x1810, &out) == 0, "shared page: not loaded");
    check_loaded("shared page", img, 0x1810, &out);
    CHECK(nvmas == 3 && vmas[0].prot == (VM_READ | VM_EXEC) &&
              vmas[1].start == 0x401000 && vmas[1].end == 0x402000 &&
              vmas[1].prot == (VM_READ | VM_WRITE | VM_EXEC) &&
              vmas[2].start == 0x402000 && vmas[2].end == 0x403000 &&
              vmas[2].prot == (VM_READ | VM_WRITE),
          "shared page: %d regions", nvmas);
    free(img);

    const struct seg three[] = {
        {PT_LOAD, PF_R, 0x0, 0x400000, 0x100, 0x100, 0x1000},
        {PT_LOAD, PF_R | PF_X, 0x100, 0x400100, 0x100, 0x100, 0x1000},
        {PT_LOAD, PF_R | PF_W, 0x200, 0x400200, 0x100, 0x100, 0x1000},
    };
    img = build(ET_EXEC, 0x400100, three, 3, 0x300);
    CHECK(load(img, 0x300, &out) == 0, "three in a page: not loaded");
    check_loaded("three in a page", img, 0x300, &out);
    CHECK(nvmas == 1 && vmas[0].prot == (VM_READ | VM_WRITE | VM_EXEC),
          "three in a page: %d regions", nvmas);
    free(img);
}

/* Out of memory in the middle: the error comes back, nothing crashes. */
static void
test_no_memory(void)
{
    unsigned char *img = std_image();
    struct elf_image out;
    for (int n = 0; n < 3; n++) {
        mem_reset();
        map_calls_left = n;
        CHECK(elf_load(&the_mm, img, STD_SIZE, &out) == -ENOMEM,
              "no -ENOMEM with %d mappings allowed", n);
    }
    free(img);
}

/* Change the standard image with @p edit; it must be refused. */
static void
refused(const char *what, void (*edit)(unsigned char *))
{
    unsigned char *img = std_image();
    edit(img);
    unsigned char *exact = exact_copy(img, STD_SIZE);
    struct elf_image out;
    CHECK(elf_check(exact, STD_SIZE) == -ENOEXEC, "%s: accepted", what);
    CHECK(load(exact, STD_SIZE, &out) == -ENOEXEC && nvmas == 0, "%s: loaded",
          what);
    free(exact);
    free(img);
}

static void
bad_magic(unsigned char *b)
{
    b[1] = 'e';
}
static void
bad_class(unsigned char *b)
{
    b[EI_CLASS] = 1;
}
static void
bad_endian(unsigned char *b)
{
    b[EI_DATA] = 2;
}
static void
bad_ident_version(unsigned char *b)
{
    b[EI_VERSION] = 0;
}
static void
bad_version(unsigned char *b)
{
    put32(b, offsetof(Elf64_Ehdr, e_version), 2);
}
static void
bad_machine(unsigned char *b)
{
    put16(b, offsetof(Elf64_Ehdr, e_machine), 3); // i386
}
static void
bad_type_rel(unsigned char *b)
{
    put16(b, offsetof(Elf64_Ehdr, e_type), 1); // ET_REL
}
static void
bad_type_core(unsigned char *b)
{
    put16(b, offsetof(Elf64_Ehdr, e_type), 4); // ET_CORE
}
static void
bad_phentsize(unsigned char *b)
{
    put16(b, offsetof(Elf64_Ehdr, e_phentsize), 32);
}
static void
no_phdrs(unsigned char *b)
{
    put16(b, offsetof(Elf64_Ehdr, e_phnum), 0);
}
static void
phdrs_past_end(unsigned char *b)
{
    put64(b, offsetof(Elf64_Ehdr, e_phoff), STD_SIZE - 100);
}
static void
phoff_huge(unsigned char *b)
{
    put64(b, offsetof(Elf64_Ehdr, e_phoff), UINT64_MAX - 8);
}
static void
phnum_huge(unsigned char *b)
{
    put16(b, offsetof(Elf64_Ehdr, e_phnum), 0xffff);
}
static void
offset_past_end(unsigned char *b)
{
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_offset)), STD_SIZE + 0x1000);
}
static void
filesz_past_end(unsigned char *b)
{
    put64(b, PH_AT(2, offsetof(Elf64_Phdr, p_filesz)), 0x31);
}
static void
offset_wraps(unsigned char *b)
{
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_offset)), UINT64_MAX - 0x10);
}
static void
filesz_over_memsz(unsigned char *b)
{
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_memsz)), 0x80);
}
static void
interp_empty(unsigned char *b)
{
    put32(b, PH_AT(3, offsetof(Elf64_Phdr, p_type)), PT_INTERP);
}
static void
interp_past_end(unsigned char *b)
{
    put32(b, PH_AT(3, offsetof(Elf64_Phdr, p_type)), PT_INTERP);
    put64(b, PH_AT(3, offsetof(Elf64_Phdr, p_offset)), STD_SIZE - 0x10);
    put64(b, PH_AT(3, offsetof(Elf64_Phdr, p_filesz)), 0x11);
    b[STD_SIZE - 1] = 0;
}
static void
interp_no_nul(unsigned char *b)
{
    put32(b, PH_AT(3, offsetof(Elf64_Phdr, p_type)), PT_INTERP);
    put64(b, PH_AT(3, offsetof(Elf64_Phdr, p_offset)), 0x1f00);
    put64(b, PH_AT(3, offsetof(Elf64_Phdr, p_filesz)), 0x10);
    b[0x1f0f] = 'x';
}
static void
interp_huge(unsigned char *b)
{
    put32(b, PH_AT(3, offsetof(Elf64_Phdr, p_type)), PT_INTERP);
    put64(b, PH_AT(3, offsetof(Elf64_Phdr, p_offset)), 0);
    put64(b, PH_AT(3, offsetof(Elf64_Phdr, p_filesz)), 0x1001);
    b[0x1000] = 0;
}
static void
vaddr_kernel(unsigned char *b)
{
    put64(b, PH_AT(2, offsetof(Elf64_Phdr, p_vaddr)), 0xffff800000402010UL);
}
static void
vaddr_past_user_top(unsigned char *b)
{
    put64(b, PH_AT(2, offsetof(Elf64_Phdr, p_vaddr)), USER_TOP + 0x10);
}
static void
vaddr_in_stack(unsigned char *b)
{
    put64(b, PH_AT(2, offsetof(Elf64_Phdr, p_vaddr)), MAX_ADDR - 0x1ff0);
}
static void
memsz_wraps(unsigned char *b)
{
    put64(b, PH_AT(2, offsetof(Elf64_Phdr, p_memsz)), UINT64_MAX - 0x1000);
}
static void
vaddr_zero(unsigned char *b)
{
    put64(b, PH_AT(0, offsetof(Elf64_Phdr, p_vaddr)), 0);
}
static void
no_load(unsigned char *b)
{
    for (int i = 0; i < 3; i++)
        put32(b, PH_AT(i, offsetof(Elf64_Phdr, p_type)), PT_NOTE);
}
static void
entry_outside(unsigned char *b)
{
    put64(b, offsetof(Elf64_Ehdr, e_entry), 0x500000);
}
static void
align_not_power(unsigned char *b)
{
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_align)), 0x1800);
}
static void
align_mismatch(unsigned char *b)
{
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_offset)), 0x1008);
}
static void
overlapping(unsigned char *b)
{
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_vaddr)), 0x400100);
    put64(b, PH_AT(1, offsetof(Elf64_Phdr, p_align)), 0x100);
}
static void
unsorted(unsigned char *b)
{
    unsigned char t[sizeof(Elf64_Phdr)];
    memcpy(t, b + PH_AT(0, 0), sizeof(t));
    memcpy(b + PH_AT(0, 0), b + PH_AT(1, 0), sizeof(t));
    memcpy(b + PH_AT(1, 0), t, sizeof(t));
}
static void
dyn_too_high(unsigned char *b)
{
    // moved by the static-PIE bias, the data would land over the stack
    put16(b, offsetof(Elf64_Ehdr, e_type), ET_DYN);
    put64(b, PH_AT(2, offsetof(Elf64_Phdr, p_vaddr)), 0x7ff000002010UL);
}

static void
test_refused(void)
{
    static const struct {
        const char *what;
        void (*edit)(unsigned char *);
    } cases[] = {
        {"bad magic", bad_magic},
        {"32-bit class", bad_class},
        {"big endian", bad_endian},
        {"ident version 0", bad_ident_version},
        {"e_version 2", bad_version},
        {"i386 machine", bad_machine},
        {"ET_REL", bad_type_rel},
        {"ET_CORE", bad_type_core},
        {"e_phentsize 32", bad_phentsize},
        {"no program headers", no_phdrs},
        {"program headers past the end", phdrs_past_end},
        {"e_phoff near 2^64", phoff_huge},
        {"e_phnum 65535", phnum_huge},
        {"p_offset past the end", offset_past_end},
        {"p_filesz past the end", filesz_past_end},
        {"p_offset + p_filesz wraps", offset_wraps},
        {"p_filesz > p_memsz", filesz_over_memsz},
        {"PT_INTERP of 0 bytes", interp_empty},
        {"PT_INTERP past the end", interp_past_end},
        {"PT_INTERP without its NUL", interp_no_nul},
        {"PT_INTERP longer than PATH_MAX", interp_huge},
        {"p_vaddr in the kernel", vaddr_kernel},
        {"p_vaddr past USER_TOP", vaddr_past_user_top},
        {"segment over the stack", vaddr_in_stack},
        {"p_vaddr + p_memsz wraps", memsz_wraps},
        {"segment at address 0", vaddr_zero},
        {"no PT_LOAD", no_load},
        {"entry outside the segments", entry_outside},
        {"p_align not a power of two", align_not_power},
        {"p_offset != p_vaddr modulo p_align", align_mismatch},
        {"overlapping segments", overlapping},
        {"segments out of order", unsorted},
        {"static-PIE moved over the stack", dyn_too_high},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        refused(cases[i].what, cases[i].edit);
}

/* Every proper prefix of the standard image is refused. */
static void
test_truncated(void)
{
    unsigned char *img = std_image();
    int accepted = 0;
    for (size_t len = 0; len < STD_SIZE; len++) {
        unsigned char *b = exact_copy(img, len);
        accepted += elf_check(b, len) != -ENOEXEC;
        free(b);
    }
    CHECK(accepted == 0, "%d truncated images accepted", accepted);
    free(img);
}

/* The bytes of file @p path (malloc'd, exactly its size), or NULL. */
static unsigned char *
read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    rewind(f);
    unsigned char *b = malloc(*size ? *size : 1);
    if (b == NULL || fread(b, 1, *size, f) != *size)
        abort();
    fclose(f);
    return b;
}

/* A real static program: accepted, and loaded as Linux would place it. */
static void
test_real(const char *path)
{
    size_t size;
    unsigned char *img = read_file(path, &size);
    CHECK(img != NULL, "cannot read %s", path);
    if (img == NULL)
        return;
    struct elf_image out;
    CHECK(elf_check(img, size) == 0, "%s refused", path);
    CHECK(load(img, size, &out) == 0, "%s not loaded", path);
    check_loaded(path, img, size, &out);
    struct vma *v = mm_find_vma(&the_mm, out.entry);
    CHECK(v != NULL && (v->prot & VM_EXEC), "%s: entry not executable", path);
    CHECK(out.phdr != 0, "%s: no AT_PHDR", path);
    free(img);
}

/* ---------------------------------------------------------------- fuzz */

#define ITERATIONS 100000

static uint64_t rng_state = 0x2545f4914f6cdd1dUL;

static uint64_t
rng(void)
{
    return xorshift64(&rng_state);
}

static const uint64_t interesting[] = {
    0,
    1,
    7,
    8,
    0x38,
    0x40,
    0xfff,
    0x1000,
    0x10000,
    0x400000,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    USER_TOP,
    MAX_ADDR,
    DYN_BASE,
    UINT64_MAX,
    UINT64_MAX - 0xfff,
    0x7ffffffff000UL,
    0x8000000000000000UL,
};

/* Damage @p b (@p len bytes, the first @p hot of them the headers). */
static void
mutate(unsigned char *b, size_t len, size_t hot)
{
    int n = 1 + rng() % 3;
    for (int k = 0; k < n; k++) {
        size_t at = rng() % (rng() % 4 ? hot : len);
        switch (rng() % 4) {
        case 0:
            b[at] ^= (unsigned char)(1u << (rng() % 8));
            break;
        case 1:
            b[at] = (unsigned char)rng();
            break;
        default: {
            // a whole field, 8-byte aligned, set to an edge value
            size_t field = at & ~(size_t)7;
            uint64_t v = interesting[rng() % (sizeof(interesting) /
                                              sizeof(interesting[0]))];
            size_t w = rng() % 2 ? 8 : 4;
            if (field + w <= len)
                memcpy(b + field, &v, w);
            break;
        }
        }
    }
}

static void
test_fuzz(const unsigned char *real, size_t real_size)
{
    unsigned char *seeds[3] = {small_image(ET_EXEC), small_image(ET_DYN),
                               std_image()};
    size_t sizes[3] = {SMALL_SIZE, SMALL_SIZE, STD_SIZE};
    int accepted = 0, refused_n = 0;
    for (int it = 0; it < ITERATIONS; it++) {
        const unsigned char *src;
        size_t len;
        size_t hot = sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr);
        if (real != NULL && it % 16 == 0) {
            src = real;
            len = real_size;
        } else {
            int k = rng() % 3;
            src = seeds[k];
            len = sizes[k];
        }
        unsigned char *work = exact_copy(src, len);
        mutate(work, len, hot < len ? hot : len);
        if (rng() % 8 == 0)
            len = rng() % (len + 1); // and truncate
        unsigned char *b = exact_copy(work, len);
        free(work);
        int err = elf_check(b, len);
        CHECK(err == 0 || err == -ENOEXEC, "elf_check said %d", err);
        struct elf_image out;
        int lerr = load(b, len, &out);
        if (err == 0) {
            accepted++;
            CHECK(lerr == 0, "iteration %d: accepted but load said %d", it,
                  lerr);
            if (lerr == 0)
                check_loaded("fuzz", b, len, &out);
        } else {
            refused_n++;
            CHECK(lerr == err && nvmas == 0,
                  "iteration %d: refused but load said %d", it, lerr);
        }
        free(b);
    }
    for (int k = 0; k < 3; k++)
        free(seeds[k]);
    // both outcomes must be common, or the fuzzing tests little
    CHECK(accepted > ITERATIONS / 10 && refused_n > ITERATIONS / 10,
          "%d accepted, %d refused", accepted, refused_n);
}

/* ---------------------------------------------------------------- stack */

/* Look up @p key in the auxiliary vector starting at @p at. */
static bool
auxv_get(vaddr_t at, uint64_t key, uint64_t *value)
{
    for (int i = 0; i < 64; i++, at += 16) {
        uint64_t k = mem_u64(at);
        if (k == key) {
            *value = mem_u64(at + 8);
            return true;
        }
        if (k == AT_NULL)
            return false;
    }
    return false;
}

/* The NUL-terminated string at @p va (at most 255 bytes) into @p buf. */
static void
mem_string(vaddr_t va, char buf[256])
{
    int i = 0;
    for (; i < 255; i++) {
        if (!mem_read(va + i, buf + i, 1) || buf[i] == '\0')
            break;
    }
    buf[i] = '\0';
}

static void
test_stack(void)
{
    char *argv[] = {"/bin/hello", "a", "bb", NULL};
    char *envp[] = {"HOME=/", "X=y", NULL};
    struct elf_image img = {.entry = 0x401109,
                            .phdr = 0x400040,
                            .phnum = 6,
                            .phent = 56,
                            .brk = 0x408000};
    vaddr_t sp = 0;
    mem_reset();
    CHECK(ustack_setup(&the_mm, argv, 3, envp, 2, &img, "/bin/hello", &sp) == 0,
          "ustack_setup failed");
    CHECK(nvmas == 1 && vmas[0].start == USER_STACK_TOP - USER_STACK_SIZE &&
              vmas[0].end == USER_STACK_TOP &&
              vmas[0].prot == (VM_READ | VM_WRITE),
          "stack region");
    CHECK(sp % 16 == 0 && sp < USER_STACK_TOP &&
              sp > USER_STACK_TOP - PAGE_SIZE,
          "sp %#lx", sp);
    CHECK(mem_u64(sp) == 3, "argc %lu", mem_u64(sp));
    char s[256];
    for (int i = 0; i < 3; i++) {
        mem_string(mem_u64(sp + 8 + 8 * i), s);
        CHECK(strcmp(s, argv[i]) == 0, "argv[%d] = \"%s\"", i, s);
    }
    CHECK(mem_u64(sp + 8 * 4) == 0, "argv not NULL-terminated");
    for (int i = 0; i < 2; i++) {
        mem_string(mem_u64(sp + 8 * 5 + 8 * i), s);
        CHECK(strcmp(s, envp[i]) == 0, "envp[%d] = \"%s\"", i, s);
    }
    CHECK(mem_u64(sp + 8 * 7) == 0, "envp not NULL-terminated");
    vaddr_t auxv = sp + 8 * 8;
    const uint64_t want[][2] = {
        {AT_PHDR, 0x400040}, {AT_PHENT, 56}, {AT_PHNUM, 6},
        {AT_PAGESZ, 4096},   {AT_BASE, 0},   {AT_ENTRY, 0x401109},
        {AT_UID, 0},         {AT_SECURE, 0}, {AT_CLKTCK, 100},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        uint64_t v = 1;
        CHECK(auxv_get(auxv, want[i][0], &v) && v == want[i][1],
              "auxv %lu = %#lx", want[i][0], v);
    }
    uint64_t execfn = 0, random = 0;
    CHECK(auxv_get(auxv, AT_EXECFN, &execfn), "no AT_EXECFN");
    mem_string(execfn, s);
    CHECK(strcmp(s, "/bin/hello") == 0, "AT_EXECFN \"%s\"", s);
    CHECK(auxv_get(auxv, AT_RANDOM, &random) && random % 16 == 0 &&
              random > sp && random + 16 <= USER_STACK_TOP,
          "AT_RANDOM %#lx", random);
    // the strings lie above the table, below the top
    CHECK(mem_u64(sp + 8) > random && execfn + 11 <= USER_STACK_TOP - 8,
          "strings misplaced");

    // no program headers loaded: no AT_PHDR at all
    img.phdr = 0;
    mem_reset();
    CHECK(ustack_setup(&the_mm, argv, 3, envp, 0, &img, NULL, &sp) == 0,
          "ustack_setup without phdr");
    uint64_t v;
    CHECK(!auxv_get(sp + 8 * 5 + 8, AT_PHDR, &v), "AT_PHDR 0 given");
    CHECK(mem_u64(sp + 8 * 4) == 0 && mem_u64(sp + 8 * 5) == 0, "empty envp");
}

static void
test_stack_limits(void)
{
    static char *many[13201];
    static char big[70 * 1024];
    struct elf_image img = {.entry = 0x401000, .phdr = 0x400040};
    vaddr_t sp = 0;
    for (int i = 0; i < 13200; i++)
        many[i] = "x";
    // only the bytes limit the count, as on Linux (xargs passes thousands)
    mem_reset();
    CHECK(ustack_setup(&the_mm, many, 4097, NULL, 0, &img, "x", &sp) == 0,
          "4097 arguments refused");
    mem_reset();
    CHECK(ustack_setup(&the_mm, many, 13200, NULL, 0, &img, "x", &sp) == -E2BIG,
          "13200 arguments (132000 bytes with their pointers) accepted");
    memset(big, 'a', sizeof(big) - 1);
    char *two[] = {big, big};
    mem_reset();
    CHECK(ustack_setup(&the_mm, two, 1, two, 1, &img, "x", &sp) == -E2BIG,
          "140 KiB of strings accepted");
    CHECK(nvmas == 0, "stack mapped before -E2BIG");
    mem_reset();
    CHECK(ustack_setup(&the_mm, two, 1, NULL, 0, &img, "x", &sp) == 0,
          "70 KiB of strings refused");
    char s[256];
    mem_string(mem_u64(sp + 8), s);
    CHECK(strlen(s) == 255 && s[0] == 'a', "long argv[0] not there");
    mem_reset();
    map_calls_left = 0;
    CHECK(ustack_setup(&the_mm, two, 1, NULL, 0, &img, "x", &sp) == -ENOMEM,
          "mapping failure not passed on");
    mem_reset();
    CHECK(mm_map_anon(&the_mm, USER_STACK_TOP - PAGE_SIZE, PAGE_SIZE,
                      VM_READ) == 0 &&
              ustack_setup(&the_mm, two, 1, NULL, 0, &img, "x", &sp) == -EINVAL,
          "stack over a region");
}

/* ---------------------------------------------------------------- main */

/* The programs of user/, where the Makefile builds them. */
static const char *const programs[] = {
    "init",     "hello",    "forktest", "cowtest",
    "exectest", "waittest", "segvtest", "deeprec",
};

int
main(int argc, char *argv[])
{
    test_standard();
    test_static_pie();
    test_interp();
    test_shared_pages();
    test_no_memory();
    test_refused();
    test_truncated();
    int real = 0;
    for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
        char path[64];
        snprintf(path, sizeof(path), "build/user/%s", programs[i]);
        FILE *f = fopen(path, "rb");
        if (f != NULL) {
            fclose(f);
            test_real(path);
            real++;
        }
    }
    if (real == 0)
        printf("test_elf: build/user/ not built, real programs skipped\n");
    for (int i = 1; i < argc; i++) // more programs, named by the caller
        test_real(argv[i]);
    size_t hello_size = 0;
    unsigned char *hello = read_file("build/user/hello", &hello_size);
    test_fuzz(hello, hello_size);
    free(hello);
    test_stack();
    test_stack_limits();
    mem_reset();
    free(pages);
    return check_report("test_elf");
}
