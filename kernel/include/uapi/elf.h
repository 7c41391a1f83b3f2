/**
 * @file
 * @ingroup uapi
 * @brief The ELF64 file format: the file header and the program headers.
 *
 * A program file starts with an ELF header that says what machine the
 * code is for and where the program headers are. Each program header
 * describes a segment: PT_LOAD says "map p_memsz bytes at p_vaddr, the
 * first p_filesz of them from the file at p_offset, the rest zero".
 * That is all a loader of static programs needs; the section headers
 * (for linkers and debuggers) are never read.
 *
 * The layouts and numbers are those of the System V gABI and its x86_64
 * supplement, as in Linux's include/uapi/linux/elf.h and glibc's <elf.h>;
 * the names are the standard ones so the reader can look them up.
 *
 * @verbatim
 *   file offset 0      +----------------------+
 *                      | Elf64_Ehdr (64)      |  e_phoff, e_phnum, e_entry
 *   e_phoff            +----------------------+
 *                      | Elf64_Phdr (56) x    |  one per segment
 *                      |   e_phnum            |
 *                      +----------------------+
 *   p_offset           | segment bytes        |  p_filesz of them
 *                      | ...                  |
 *                      +----------------------+
 * @endverbatim
 */
#ifndef UAPI_ELF_H
#define UAPI_ELF_H

#include "kernel/types.h"

/** @name e_ident: the first 16 bytes of every ELF file. */
///@{
#define EI_NIDENT 16     /**< bytes of e_ident */
#define EI_MAG0 0        /**< 0x7f */
#define EI_MAG1 1        /**< 'E' */
#define EI_MAG2 2        /**< 'L' */
#define EI_MAG3 3        /**< 'F' */
#define EI_CLASS 4       /**< word size: ELFCLASS64 */
#define EI_DATA 5        /**< byte order: ELFDATA2LSB */
#define EI_VERSION 6     /**< EV_CURRENT */
#define ELFMAG "\177ELF" /**< the four magic bytes */
#define SELFMAG 4        /**< their number */
#define ELFCLASS64 2     /**< 64-bit objects */
#define ELFDATA2LSB 1    /**< little endian */
#define EV_CURRENT 1     /**< the only version there is */
///@}

/** @name e_type: the kind of file. */
///@{
#define ET_EXEC 2 /**< an executable at fixed addresses */
#define ET_DYN 3  /**< position independent: a shared object or static-PIE */
///@}

/** e_machine of x86_64 code. */
#define EM_X86_64 62

/** @name p_type: the kind of a segment. */
///@{
#define PT_NULL 0    /**< unused entry */
#define PT_LOAD 1    /**< bytes to map into memory */
#define PT_DYNAMIC 2 /**< dynamic linking tables */
#define PT_INTERP 3  /**< the path of a dynamic loader to run first */
#define PT_NOTE 4    /**< notes (build id, ABI tag) */
#define PT_PHDR 6    /**< where the program headers themselves are mapped */
#define PT_TLS 7     /**< the template of thread-local storage */
#define PT_GNU_STACK 0x6474e551 /**< stack rights (non-executable) */
///@}

/** @name p_flags: a segment's rights. */
///@{
#define PF_X 0x1 /**< executable */
#define PF_W 0x2 /**< writable */
#define PF_R 0x4 /**< readable */
///@}

/** The ELF file header. */
typedef struct {
    unsigned char e_ident[EI_NIDENT]; /**< magic, class, byte order, ... */
    uint16_t e_type;                  /**< ET_EXEC, ET_DYN, ... */
    uint16_t e_machine;               /**< EM_X86_64 */
    uint32_t e_version;               /**< EV_CURRENT */
    uint64_t e_entry;                 /**< virtual address of the entry */
    uint64_t e_phoff;                 /**< file offset of program headers */
    uint64_t e_shoff;                 /**< file offset of section headers */
    uint32_t e_flags;                 /**< machine flags (0 on x86_64) */
    uint16_t e_ehsize;                /**< size of this header: 64 */
    uint16_t e_phentsize;             /**< size of a program header: 56 */
    uint16_t e_phnum;                 /**< number of program headers */
    uint16_t e_shentsize;             /**< size of a section header */
    uint16_t e_shnum;                 /**< number of section headers */
    uint16_t e_shstrndx;              /**< section of the section names */
} Elf64_Ehdr;

/** A program header: one segment. */
typedef struct {
    uint32_t p_type;   /**< PT_LOAD, PT_INTERP, ... */
    uint32_t p_flags;  /**< PF_R | PF_W | PF_X */
    uint64_t p_offset; /**< file offset of the segment's bytes */
    uint64_t p_vaddr;  /**< virtual address to map them at */
    uint64_t p_paddr;  /**< physical address (unused) */
    uint64_t p_filesz; /**< bytes in the file */
    uint64_t p_memsz;  /**< bytes in memory (the rest zero: bss) */
    uint64_t p_align;  /**< alignment: vaddr == offset modulo it */
} Elf64_Phdr;

_Static_assert(sizeof(Elf64_Ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(Elf64_Phdr) == 56, "ELF64 program header is 56 bytes");
_Static_assert(__builtin_offsetof(Elf64_Ehdr, e_entry) == 24,
               "e_entry at offset 24");
_Static_assert(__builtin_offsetof(Elf64_Ehdr, e_phnum) == 56,
               "e_phnum at offset 56");
_Static_assert(__builtin_offsetof(Elf64_Phdr, p_offset) == 8,
               "p_offset at offset 8");
_Static_assert(__builtin_offsetof(Elf64_Phdr, p_align) == 48,
               "p_align at offset 48");

/** @name Auxiliary vector keys (the AT_* of Linux's uapi/linux/auxvec.h). */
///@{
#define AT_NULL 0    /**< ends the vector */
#define AT_PHDR 3    /**< user address of the program headers */
#define AT_PHENT 4   /**< size of one program header */
#define AT_PHNUM 5   /**< number of program headers */
#define AT_PAGESZ 6  /**< page size */
#define AT_BASE 7    /**< base of the dynamic loader (0: none) */
#define AT_FLAGS 8   /**< flags (0) */
#define AT_ENTRY 9   /**< the program's entry point */
#define AT_UID 11    /**< real user id */
#define AT_EUID 12   /**< effective user id */
#define AT_GID 13    /**< real group id */
#define AT_EGID 14   /**< effective group id */
#define AT_HWCAP 16  /**< CPU features (cpuid 1 edx on x86) */
#define AT_CLKTCK 17 /**< clock ticks per second, for times() */
#define AT_SECURE 23 /**< 1 for a setuid program: distrust the environment */
#define AT_RANDOM 25 /**< address of 16 random bytes (stack canary, ...) */
#define AT_EXECFN 31 /**< address of the path the program was run as */
///@}

#endif /* UAPI_ELF_H */
