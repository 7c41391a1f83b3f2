/**
 * @file
 * @ingroup syscalls
 * @brief struct utsname: what uname(2) reports about the system.
 *
 * Six NUL-terminated strings of 65 bytes each (Linux's __NEW_UTS_LEN + 1):
 * the kernel's name, the machine's network name, the release, the build,
 * the hardware and the NIS domain. C libraries read them by offset.
 */
#ifndef UAPI_UTSNAME_H
#define UAPI_UTSNAME_H

/** The length of one utsname field, its NUL included. */
#define UTS_FIELD_LEN 65

/** uname's answer, laid out as Linux's struct new_utsname. */
struct utsname {
    char sysname[UTS_FIELD_LEN];    /**< "Linux": the ABI Keel speaks */
    char nodename[UTS_FIELD_LEN];   /**< the host name (sethostname) */
    char release[UTS_FIELD_LEN];    /**< e.g. "6.1.0-keel" */
    char version[UTS_FIELD_LEN];    /**< e.g. "#1 Keel 0.1" */
    char machine[UTS_FIELD_LEN];    /**< "x86_64" */
    char domainname[UTS_FIELD_LEN]; /**< the NIS domain (setdomainname) */
};

_Static_assert(sizeof(struct utsname) == 6 * 65, "struct utsname size");

#endif /* UAPI_UTSNAME_H */
