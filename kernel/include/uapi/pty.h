/**
 * @file
 * @ingroup uapi
 * @brief The pseudo-terminal ioctls (Linux's asm-generic/ioctls.h).
 *
 * What the C library's posix_openpt() family asks the master of a pty:
 * ptsname() its number (TIOCGPTN), unlockpt() to let the slave be opened
 * (TIOCSPTLCK with 0).
 */
#ifndef UAPI_PTY_H
#define UAPI_PTY_H

/** Get the pty's number N (/dev/pts/N): `_IOR('T', 0x30, unsigned)`. */
#define TIOCGPTN 0x80045430
/** Lock (non-zero) or unlock (0) the slave: `_IOW('T', 0x31, int)`. */
#define TIOCSPTLCK 0x40045431
/** Whether the slave is locked: `_IOR('T', 0x39, int)`. */
#define TIOCGPTLCK 0x80045439

/** Open the slave, returning a new descriptor: `_IO('T', 0x41)`. */
#define TIOCGPTPEER 0x5441

#endif /* UAPI_PTY_H */
