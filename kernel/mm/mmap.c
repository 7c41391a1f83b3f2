/**
 * @file
 * @ingroup mm
 * @brief mmap, munmap, mprotect, madvise and brk on an address space.
 *
 * A program asks for memory by regions. mmap adds a region (struct vma)
 * and nothing else: its pages come later, one fault at a time, from
 * mm_fault() (zeros, or the file's pages for a file mapping). munmap
 * removes regions, splitting the ones it cuts, and gives back their
 * frames; mprotect splits too and changes the rights of the pages already
 * there; madvise(MADV_DONTNEED) drops pages so that they read back as
 * zeros. brk is the old interface: one region that grows and shrinks at
 * the end of the program's data.
 *
 * Where a new region goes:
 *
 * @verbatim
 *   USER_STACK_TOP  +-----------------+
 *                   | stack           |
 *                   +-----------------+  MMAP_TOP (one guard page below)
 *                   | mmap regions,   |  placed top-down: the highest gap
 *                   |   growing down  |  that fits, unless a hint or
 *                   |                 |  MAP_FIXED names the address
 *                   | brk heap, up    |
 *                   | data, code      |
 *   MMAP_MIN_ADDR   +-----------------+
 * @endverbatim
 *
 * Errors follow Linux (mmap(2)): EINVAL for a bad length, flags or
 * alignment, ENOMEM when no room is left or a range is not mapped, EEXIST
 * for MAP_FIXED_NOREPLACE over a region, EBADF/EACCES from the file.
 *
 * From chapter 5 a file mapping maps the file's own pages (its page
 * cache, struct vm_file_ops): MAP_SHARED stores are writes to the file,
 * MAP_PRIVATE copies a page at its first store.
 *
 * Locking: a process's mm is only used by its one thread.
 */
#include "kernel/arch.h"
#include "kernel/mm.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#if CHAPTER >= 5
/*
 * A file mapping maps the file's own pages (its page cache): the template
 * region @p v takes a reference to the file, which the caller drops once
 * the region is in place. Checks in Linux's order: -EACCES for a file not
 * open for reading, or for a shared writable mapping of a file not open
 * for writing; -ENODEV for a file that cannot be mapped.
 */
static int
vma_attach_file(struct vma *v, int fd, uint64_t off, bool shared, int prot)
{
    struct mmap_target t;
    int err = fd_mmap_open(fd, &t);
    if (err < 0)
        return err;
    if (shared && (prot & PROT_WRITE) && !t.may_write) {
        t.ops->put(t.file);
        return -EACCES;
    }
    v->file = t.file;
    v->file_ops = t.ops;
    v->file_off = off;
    v->flags |= (shared ? VMA_SHARED : 0) | (t.may_write ? VMA_MAYWRITE : 0);
    return 0;
}
#else
/* What a private file mapping needs from the file layer. */
static int
vma_attach_file(struct vma *v, int fd, uint64_t off)
{
    struct mmap_file f;
    int err = fd_mmap_source(fd, &f);
    if (err < 0)
        return err;
    v->file_data = f.data;
    v->file_size = f.size;
    v->file_off = off;
    v->flags |= VMA_FILE;
    return 0;
}
#endif

/* Check mmap's flags; the region's sharing in *shared, or -EINVAL. */
static int
mmap_check_flags(int flags, bool *shared)
{
    int type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE &&
        type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (flags & (MAP_HUGETLB | MAP_GROWSDOWN))
        return -EINVAL; // no huge pages, no growing stacks here
    *shared = type != MAP_PRIVATE;
    return 0;
}

/* The flags mmap knows; MAP_SHARED_VALIDATE refuses any other. */
#define MAP_KNOWN                                                              \
    (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE |    \
     MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |              \
     MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE)

/*
 * Where the new region [addr, addr + len) goes: a MAP_FIXED address as
 * given (what was there is unmapped), a free hint, or the highest gap.
 */
static long
mmap_place(struct mm *mm, vaddr_t addr, size_t len, int flags)
{
    // Linux's order: the range (ENOMEM past TASK_SIZE, the kernel half
    // included), the alignment, then mmap_min_addr
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && addr > TASK_SIZE - len)
        return -ENOMEM;
    if (fixed && (addr & (PAGE_SIZE - 1)))
        return -EINVAL;
    if (fixed && addr < MMAP_MIN_ADDR)
        return -EPERM;
    if (flags & MAP_FIXED_NOREPLACE)
        return mm_range_free(mm, addr, addr + len) ? (long)addr : -EEXIST;
    if (flags & MAP_FIXED) {
        int err = mm_unmap_range(mm, addr, addr + len);
        return err < 0 ? err : (long)addr;
    }
    addr = ALIGN_DOWN(addr, PAGE_SIZE);
    if (addr >= MMAP_MIN_ADDR && addr <= TASK_SIZE - len &&
        mm_range_free(mm, addr, addr + len))
        return (long)addr;
    vaddr_t gap = mm_find_gap(mm, len);
    return gap != 0 ? (long)gap : -ENOMEM;
}

/* May region @p v be made writable: private, anonymous, or a shared
 * mapping of a file open for writing? */
static bool
vma_private_or_writable(const struct vma *v)
{
#if CHAPTER >= 5
    if (v->file != NULL && (v->flags & VMA_SHARED))
        return v->flags & VMA_MAYWRITE;
#endif
    (void)v;
    return true;
}

/*
 * Does region @p v need its frames at mmap time? An anonymous shared
 * region does: its frames are its only contents, and must exist before a
 * fork can share them. A file's pages are in the file (chapter 5).
 */
static bool
frames_now(const struct vma *v)
{
    return vma_anonymous(v) && (v->flags & VMA_SHARED);
}

/*
 * Put a copy of @p tmpl at [at, at + len), with its frames now where
 * frames_now() says so; MAP_POPULATE is only a wish (Linux ignores its
 * failure too). 0 or -ENOMEM.
 */
static int
mmap_insert(struct mm *mm, const struct vma *tmpl, vaddr_t at, size_t len,
            int flags)
{
    struct vma *v = vma_clone(tmpl);
    if (v == NULL)
        return -ENOMEM;
    v->start = at;
    v->end = at + len;
    mm_insert_vma(mm, v);
    vma_attach(mm, v);
    int err = 0;
    if (frames_now(v) || (flags & MAP_POPULATE))
        err = mm_populate(mm, at, at + len);
    if (err < 0 && frames_now(v)) {
        mm_unmap_range(mm, at, at + len);
        return err;
    }
    return 0;
}

/* Does a mapping of @p len bytes get past the overcommit check? Linux
 * accounts private writable mappings and shared anonymous ones, unless
 * MAP_NORESERVE asks it not to (mm_commit_ok()). */
static bool
mmap_commit_ok(size_t len, int prot, int flags, bool shared, bool anon)
{
    bool accounted = shared ? anon : (prot & PROT_WRITE) != 0;
    return !accounted || (flags & MAP_NORESERVE) || mm_commit_ok(len);
}

/**
 * @brief mmap: add a region of @p len bytes; see mmap(2).
 * @param mm    the address space
 * @param addr  a hint, or with MAP_FIXED[_NOREPLACE] the exact address
 * @param len   bytes (rounded up to pages)
 * @param prot  PROT_* (write or exec imply read, as on x86)
 * @param flags MAP_* (MAP_STACK, MAP_NORESERVE, MAP_POPULATE, ... accepted)
 * @param fd    the file for a file mapping (without MAP_ANONYMOUS)
 * @param off   file offset, page-aligned
 * @return the region's address; -EINVAL (len 0, flags, alignment),
 *         -ENOMEM (no room; a private writable or shared anonymous
 *         mapping larger than memory, mm_commit_ok()), -EEXIST (MAP_FIXED_NOREPLACE), -EPERM (below
 *         MMAP_MIN_ADDR), -EBADF or -EACCES (the file), -EOVERFLOW,
 *         -EOPNOTSUPP (MAP_SHARED_VALIDATE with an unknown flag)
 */
long
mm_mmap(struct mm *mm, vaddr_t addr, size_t len, int prot, int flags, int fd,
        uint64_t off)
{
    bool shared;
    // Linux looks the file up before it looks at anything else
#if CHAPTER >= 5
    if (!(flags & MAP_ANONYMOUS) && fd_mmap_open(fd, NULL) == -EBADF)
        return -EBADF;
#else
    struct mmap_file probe;
    if (!(flags & MAP_ANONYMOUS) && fd_mmap_source(fd, &probe) == -EBADF)
        return -EBADF;
#endif
    if (len == 0 || mmap_check_flags(flags, &shared) < 0 ||
        (off & (PAGE_SIZE - 1)))
        return -EINVAL;
    if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
        return -EOPNOTSUPP;
    if (len > TASK_SIZE - MMAP_MIN_ADDR)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon && off + len < off)
        return -EOVERFLOW;
#if CHAPTER < 5
    if (!anon && shared && (prot & PROT_WRITE))
        return -EACCES; // file mappings are private copies (partial)
#endif
    struct vma tmpl = {.prot = (unsigned)prot & (VM_READ | VM_WRITE | VM_EXEC),
                       .flags = shared && anon ? VMA_SHARED : 0};
    if (tmpl.prot & (VM_WRITE | VM_EXEC))
        tmpl.prot |= VM_READ;
#if CHAPTER >= 5
    int err = anon ? 0 : vma_attach_file(&tmpl, fd, off, shared, prot);
    if (err < 0)
        return err;
    long at = mmap_place(mm, addr, len, flags);
    if (at >= 0 && !mmap_commit_ok(len, prot, flags, shared, anon))
        at = -ENOMEM;
    if (at >= 0)
        err = mmap_insert(mm, &tmpl, (vaddr_t)at, len, flags);
    if (tmpl.file != NULL)
        tmpl.file_ops->put(tmpl.file); // the region has its own reference
#else
    int err = anon ? 0 : vma_attach_file(&tmpl, fd, off);
    if (err < 0)
        return err;
    long at = mmap_place(mm, addr, len, flags);
    if (at >= 0 && !mmap_commit_ok(len, prot, flags, shared, anon))
        at = -ENOMEM;
#endif
    if (at < 0)
        return at;
#if CHAPTER < 5
    err = mmap_insert(mm, &tmpl, (vaddr_t)at, len, flags);
#endif
    return err < 0 ? err : at;
}

/**
 * @brief munmap: remove [addr, addr + len) (whole pages); see munmap(2).
 *
 * Linux's checks: the range must start on a page and lie below TASK_SIZE,
 * and must not be empty, or the call is -EINVAL. A range past the top
 * (a munmap "of everything", the kernel half) is refused, never cut
 * down: unmapping the caller's own stack and code would kill it.
 * @param mm   the address space
 * @param addr page-aligned start
 * @param len  bytes (rounded up to pages); holes inside are fine
 * @return 0; -EINVAL (len 0, alignment, past TASK_SIZE); -ENOMEM
 */
int
mm_munmap(struct mm *mm, vaddr_t addr, size_t len)
{
    if ((addr & (PAGE_SIZE - 1)) || addr > TASK_SIZE || len > TASK_SIZE - addr)
        return -EINVAL;
    size_t span = ALIGN_UP(len, PAGE_SIZE);
    if (span == 0)
        return -EINVAL;
    return mm_unmap_range(mm, addr, addr + span);
}

/**
 * @brief Cut regions so that [start, end) begins and ends on region
 *        boundaries, and check that no hole lies inside.
 * @param mm    the address space
 * @param start page-aligned first byte
 * @param end   page-aligned end
 * @return 0; -ENOMEM when part of the range is not mapped, or no memory
 */
static int
split_to_range(struct mm *mm, vaddr_t start, vaddr_t end)
{
    vaddr_t va = start;
    while (va < end) {
        struct vma *v = mm_find_vma(mm, va);
        if (v == NULL)
            return -ENOMEM;
        if (v->start < va && mm_split_vma(mm, v, va) == NULL)
            return -ENOMEM;
        v = mm_find_vma(mm, va);
        if (v->end > end && mm_split_vma(mm, v, end) == NULL)
            return -ENOMEM;
        va = v->end;
    }
    return 0;
}

/*
 * Give the present pages of region @p v its rights. A private page whose
 * frame is still shared copy-on-write stays read-only: the first write
 * must copy it.
 */
static void
vma_protect_pages(struct mm *mm, struct vma *v)
{
    for (vaddr_t va = arch_uvm_skip(mm->root, v->start); va < v->end;
         va = arch_uvm_skip(mm->root, va + PAGE_SIZE)) {
        paddr_t pa;
        if (!arch_uvm_lookup(mm->root, va, &pa))
            continue;
        unsigned rights = v->prot;
        if (!(v->flags & VMA_SHARED) && pmm_refcount(pa) > 1)
            rights &= ~VM_WRITE;
        arch_uvm_protect(mm->root, va, rights | VM_USER);
    }
}

/** mprotect's bits besides the rights: PROT_SEM (accepted, as on x86),
 *  PROT_GROWSDOWN and PROT_GROWSUP (for stacks that grow; Keel has none). */
#define PROT_SEM_ 0x8
#define PROT_GROWSDOWN_ 0x01000000
#define PROT_GROWSUP_ 0x02000000

/*
 * May [start, end) become writable? Not where a shared mapping maps a
 * file that was not opened for writing (Linux's VM_MAYWRITE): a store
 * there would write the file. Holes are split_to_range()'s to report.
 */
static bool
may_write_range(struct mm *mm, vaddr_t start, vaddr_t end)
{
    for (struct vma *v = mm_find_vma(mm, start); v != NULL && v->start < end;
         v = mm_find_vma(mm, v->end)) {
        if (!vma_private_or_writable(v))
            return false;
    }
    return true;
}

/**
 * @brief mprotect: new rights for [addr, addr + len); see mprotect(2).
 *
 * Linux's order of checks: alignment (-EINVAL), an empty range (0, even
 * with bad bits), a wrapping range (-ENOMEM), unknown bits (-EINVAL),
 * then the regions: a hole, or anything past TASK_SIZE, is -ENOMEM, and
 * nothing changes. PROT_GROWSDOWN or PROT_GROWSUP on a region is -EINVAL
 * (no region here grows).
 * @param mm   the address space
 * @param addr page-aligned start
 * @param len  bytes (rounded up to pages); 0 changes nothing
 * @param prot PROT_READ | PROT_WRITE | PROT_EXEC, or PROT_NONE
 * @return 0; -EINVAL (alignment, unknown bits); -ENOMEM (a hole in the
 *         range, or no memory)
 */
int
mm_mprotect(struct mm *mm, vaddr_t addr, size_t len, int prot)
{
    unsigned grows = (unsigned)prot & (PROT_GROWSDOWN_ | PROT_GROWSUP_);
    if (grows == (PROT_GROWSDOWN_ | PROT_GROWSUP_) || (addr & (PAGE_SIZE - 1)))
        return -EINVAL;
    if (len == 0)
        return 0;
    size_t span = ALIGN_UP(len, PAGE_SIZE);
    if (addr + span <= addr)
        return -ENOMEM;
    if ((unsigned)prot &
        ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM_ | grows))
        return -EINVAL;
    if (addr + span > TASK_SIZE || mm_find_vma(mm, addr) == NULL)
        return -ENOMEM;
    if (grows)
        return -EINVAL;
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    vaddr_t end = addr + ALIGN_UP(len, PAGE_SIZE);
    if ((prot & PROT_WRITE) && !may_write_range(mm, addr, end))
        return -EACCES;
    int err = split_to_range(mm, addr, end);
    if (err < 0)
        return err;
    unsigned rights = (unsigned)prot;
    if (rights & (VM_WRITE | VM_EXEC))
        rights |= VM_READ;
    for (vaddr_t va = addr; va < end;) {
        struct vma *v = mm_find_vma(mm, va);
        v->prot = rights;
        vma_protect_pages(mm, v);
        va = v->end;
    }
    return 0;
}

/**
 * @brief madvise: hints; MADV_DONTNEED drops private pages (they read back
 *        as zeros, or as the file's bytes), the others change nothing.
 * @param mm     the address space
 * @param addr   page-aligned start
 * @param len    bytes (rounded up to pages)
 * @param advice MADV_*
 * @return 0; -EINVAL (alignment, unknown advice, a wrapping range);
 *         -ENOMEM (a hole, or past TASK_SIZE); an empty range is 0
 */
int
mm_madvise(struct mm *mm, vaddr_t addr, size_t len, int advice)
{
    bool known = (advice >= 0 && advice <= MADV_DONTNEED) ||
                 (advice >= MADV_FREE && advice <= MADV_LAST_KNOWN);
    if (!known || (addr & (PAGE_SIZE - 1)))
        return -EINVAL;
    size_t span = ALIGN_UP(len, PAGE_SIZE);
    vaddr_t end = addr + span;
    if ((len != 0 && span == 0) || end < addr)
        return -EINVAL; // a length of almost 2^64, or a wrapping range
    if (end > TASK_SIZE && end != addr)
        return -ENOMEM; // nothing is mapped there
    for (vaddr_t va = addr; va < end;) {
        struct vma *v = mm_find_vma(mm, va);
        if (v == NULL)
            return -ENOMEM;
        vaddr_t stop = MIN(v->end, end);
        // A shared anonymous region's frames are its contents: keep them.
        // A file's pages stay in the file: the mapping reads them again.
        if (advice == MADV_DONTNEED && !frames_now(v))
            mm_drop_pages(mm, va, stop);
        va = stop;
    }
    return 0;
}

/**
 * @brief msync: write a file mapping's pages back; see msync(2).
 *
 * A tmpfs file's pages are the mapping's pages (MAP_SHARED maps the page
 * cache itself), so there is nothing to write back: what remains are
 * Linux's checks and answers.
 * @param mm    the address space
 * @param addr  page-aligned start
 * @param len   bytes (rounded up to pages); 0 does nothing
 * @param flags MS_ASYNC or MS_SYNC, and MS_INVALIDATE
 * @return 0; -EINVAL (unknown flags, both MS_ASYNC and MS_SYNC, an
 *         unaligned address); -ENOMEM (part of the range is not mapped)
 */
int
mm_msync(struct mm *mm, vaddr_t addr, size_t len, int flags)
{
    if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        (addr & (PAGE_SIZE - 1)) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    vaddr_t end = addr + ALIGN_UP(len, PAGE_SIZE);
    if (end < addr)
        return -ENOMEM;
    for (vaddr_t va = addr; va < end;) {
        struct vma *v = mm_find_vma(mm, va);
        if (v == NULL)
            return -ENOMEM;
        va = v->end;
    }
    return 0;
}

/* Is page @p va of region @p v in memory: mapped, or in its file? */
static bool
page_resident(struct mm *mm, struct vma *v, vaddr_t va)
{
    if (arch_uvm_lookup(mm->root, va, &(paddr_t){0}))
        return true;
#if CHAPTER >= 5
    if (v->file != NULL)
        return v->file_ops->resident(v->file, (v->file_off + (va - v->start)) /
                                                  PAGE_SIZE);
#endif
    (void)v;
    return false;
}

/**
 * @brief mincore's answer for @p pages pages from @p addr: which are in
 *        memory; see mincore(2).
 *
 * A page is resident when the address space maps a frame there, and for
 * a file mapping also when the file holds the page (a tmpfs file's pages
 * are always in memory; a hole is not).
 * @param mm    the address space
 * @param addr  page-aligned start (the caller checked it)
 * @param pages how many pages to answer for
 * @param vec   receives one byte per page: 1 resident, 0 not
 * @return @p pages; -ENOMEM when a page of the range is not mapped
 */
long
mm_mincore(struct mm *mm, vaddr_t addr, size_t pages, uint8_t *vec)
{
    for (size_t i = 0; i < pages; i++) {
        vaddr_t va = addr + i * PAGE_SIZE;
        struct vma *v = mm_find_vma(mm, va);
        if (v == NULL)
            return -ENOMEM;
        vec[i] = page_resident(mm, v, va);
    }
    return (long)pages;
}

/*
 * Heap pages for [from, to): the heap's last region grows when it ends at
 * @p from (one region however often brk is called), else a new one starts.
 */
static int
brk_grow(struct mm *mm, vaddr_t from, vaddr_t to)
{
    struct vma *last = from > 0 ? mm_find_vma(mm, from - 1) : NULL;
    if (last == NULL || last->end != from || last->start < mm->brk_start ||
        last->flags != 0 || !vma_anonymous(last) ||
        last->prot != (VM_READ | VM_WRITE))
        return mm_map_anon(mm, from, to - from, VM_READ | VM_WRITE);
    if (!mm_range_free(mm, from, to))
        return -ENOMEM;
    last->end = to;
    return 0;
}

/**
 * @brief brk: move the end of the heap to @p want; see brk(2).
 *
 * Growing adds demand-zero pages; shrinking gives the pages past the new
 * end back. A request below the heap's start, or into another region,
 * changes nothing; like Linux the call then returns the old end. So does
 * growth by more than all of memory (mm_commit_ok()).
 * @param mm   the address space
 * @param want the new end, or 0 to ask
 * @return the (possibly unchanged) end of the heap
 */
vaddr_t
mm_brk(struct mm *mm, vaddr_t want)
{
    if (want < mm->brk_start || want >= MMAP_TOP)
        return mm->brk;
    vaddr_t mapped = ALIGN_UP(mm->brk, PAGE_SIZE);
    vaddr_t need = ALIGN_UP(want, PAGE_SIZE);
    if (need > mapped &&
        (!mm_commit_ok(need - mapped) || brk_grow(mm, mapped, need) < 0))
        return mm->brk;
    if (need < mapped && mm_unmap_range(mm, need, mapped) < 0)
        return mm->brk;
    mm->brk = want;
    return mm->brk;
}
