/**
 * @file
 * @ingroup uapi
 * @brief Signal-driven I/O: O_ASYNC, FIOASYNC and the fcntl commands that
 *        name who is told (Linux's values).
 */
#ifndef UAPI_FASYNC_H
#define UAPI_FASYNC_H

#include <stdint.h>

/** Status flag: signal the file's owner when I/O becomes possible. */
#define O_ASYNC 020000

/** ioctl: *(int *)arg non-zero sets O_ASYNC, zero clears it. */
#define FIOASYNC 0x5452

/** @name fcntl() commands of the file's owner and signal. */
///@{
#define F_SETOWN 8     /**< arg: pid (> 0) or -process group to signal */
#define F_GETOWN 9     /**< that owner (a process group negative) */
#define F_SETSIG 10    /**< arg: the signal to send (0: SIGIO) */
#define F_GETSIG 11    /**< that signal (0: SIGIO) */
#define F_SETOWN_EX 15 /**< arg: struct f_owner_ex * */
#define F_GETOWN_EX 16 /**< arg: struct f_owner_ex *, filled */
///@}

/** @name f_owner_ex.type */
///@{
#define F_OWNER_TID 0  /**< a thread */
#define F_OWNER_PID 1  /**< a process */
#define F_OWNER_PGRP 2 /**< a process group */
///@}

/** F_SETOWN_EX's and F_GETOWN_EX's argument. */
struct f_owner_ex {
    int32_t type; /**< F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP */
    int32_t pid;  /**< the thread, process or group */
};

#endif /* UAPI_FASYNC_H */
