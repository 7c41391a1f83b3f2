/**
 * @file
 * @ingroup arch
 * @brief x86 port I/O: the in/out instructions as tiny named functions.
 *
 * Legacy PC devices (the 16550 UART, the 8259 PIC, the 8254 PIT, the VGA
 * cursor) live in a separate 64 KiB I/O address space reached only with these
 * instructions. Drivers of such devices include this header.
 */
#ifndef ASM_IO_H
#define ASM_IO_H

#include "kernel/types.h"

/**
 * @brief Write byte @p val to I/O port @p port.
 * @param port the port number
 * @param val  the byte
 */
static inline void
outb(uint16_t port, uint8_t val)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(val), "Nd"(port));
}

/**
 * @brief Read a byte from I/O port @p port.
 * @param port the port number
 * @return the byte the device put on the bus
 */
static inline uint8_t
inb(uint16_t port)
{
    uint8_t val;
    __asm__ __volatile__("inb %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

/**
 * @brief Write 16-bit @p val to I/O port @p port.
 * @param port the port number
 * @param val  the 16-bit value
 */
static inline void
outw(uint16_t port, uint16_t val)
{
    __asm__ __volatile__("outw %0, %1" : : "a"(val), "Nd"(port));
}

/**
 * @brief Read 16 bits from I/O port @p port.
 * @param port the port number
 * @return the 16-bit value
 */
static inline uint16_t
inw(uint16_t port)
{
    uint16_t val;
    __asm__ __volatile__("inw %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

#if CHAPTER >= 7
/**
 * @brief Write 32-bit @p val to I/O port @p port (PCI configuration space,
 *        a virtio card's registers).
 * @param port the port number
 * @param val  the 32-bit value
 */
static inline void
outl(uint16_t port, uint32_t val)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(val), "Nd"(port));
}

/**
 * @brief Read 32 bits from I/O port @p port.
 * @param port the port number
 * @return the 32-bit value
 */
static inline uint32_t
inl(uint16_t port)
{
    uint32_t val;
    __asm__ __volatile__("inl %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}
#endif

/** A short delay: a write to the unused POST-code port 0x80. */
static inline void
io_wait(void)
{
    outb(0x80, 0);
}

#endif /* ASM_IO_H */
