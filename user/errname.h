/*
 * errname.h: the name of an errno value, for the conformance programs.
 *
 * The programs in user/ print what each call gave back, "open a directory
 * O_WRONLY: EISDIR", and Linux is the oracle: the very same static binary
 * runs on the host's Linux and on Keel, and the two outputs must be equal
 * line for line. So the names come from the C library's <errno.h>, the
 * constants the binary was compiled with, which are Linux's numbers; Keel
 * returns the same numbers (kernel/include/uapi/errno.h), or the name it
 * prints differs from Linux's and the test shows which call went wrong.
 * Keel's own header is never included here: a program that took its
 * numbers from the kernel it tests could not catch a wrong one.
 *
 * Every program once carried its own copy of this function, each knowing
 * only the few names its author expected and printing "another error" or
 * "E?" for the rest, which hid the very errno a failing test needed to
 * show. This one names every errno Linux defines, E2BIG to EXFULL, and
 * prints any other value as "errno N", so an unexpected number is still
 * seen for what it is.
 *
 * A few names are aliases with the value of another (EWOULDBLOCK is
 * EAGAIN, EDEADLOCK is EDEADLK, ENOTSUP is EOPNOTSUPP): a switch may not
 * have two equal cases, so only the first of each pair is listed, and
 * that one is what gets printed. The list compiles the same with musl
 * (musl-gcc) and with glibc (gcc -static), whose <errno.h> define the
 * same names.
 */
#ifndef USER_ERRNAME_H
#define USER_ERRNAME_H

#include <errno.h>
#include <stdio.h>

/* One case of the switch below: the value x, named by its own spelling. */
#define ERRNAME_CASE(x)                                                        \
    case x:                                                                    \
        return #x

/*
 * The name of errno value e, "ENOENT"; for a value no name has, "errno N"
 * in a static buffer that the next such call overwrites (the programs are
 * single-threaded, and print each result before asking for another).
 */
static inline const char *
errname(int e)
{
    static char buf[sizeof "errno -2147483648"];

    switch (e) {
        ERRNAME_CASE(E2BIG);
        ERRNAME_CASE(EACCES);
        ERRNAME_CASE(EADDRINUSE);
        ERRNAME_CASE(EADDRNOTAVAIL);
        ERRNAME_CASE(EADV);
        ERRNAME_CASE(EAFNOSUPPORT);
        ERRNAME_CASE(EAGAIN);
        ERRNAME_CASE(EALREADY);
        ERRNAME_CASE(EBADE);
        ERRNAME_CASE(EBADF);
        ERRNAME_CASE(EBADFD);
        ERRNAME_CASE(EBADMSG);
        ERRNAME_CASE(EBADR);
        ERRNAME_CASE(EBADRQC);
        ERRNAME_CASE(EBADSLT);
        ERRNAME_CASE(EBFONT);
        ERRNAME_CASE(EBUSY);
        ERRNAME_CASE(ECANCELED);
        ERRNAME_CASE(ECHILD);
        ERRNAME_CASE(ECHRNG);
        ERRNAME_CASE(ECOMM);
        ERRNAME_CASE(ECONNABORTED);
        ERRNAME_CASE(ECONNREFUSED);
        ERRNAME_CASE(ECONNRESET);
        ERRNAME_CASE(EDEADLK);
        ERRNAME_CASE(EDESTADDRREQ);
        ERRNAME_CASE(EDOM);
        ERRNAME_CASE(EDOTDOT);
        ERRNAME_CASE(EDQUOT);
        ERRNAME_CASE(EEXIST);
        ERRNAME_CASE(EFAULT);
        ERRNAME_CASE(EFBIG);
        ERRNAME_CASE(EHOSTDOWN);
        ERRNAME_CASE(EHOSTUNREACH);
        ERRNAME_CASE(EHWPOISON);
        ERRNAME_CASE(EIDRM);
        ERRNAME_CASE(EILSEQ);
        ERRNAME_CASE(EINPROGRESS);
        ERRNAME_CASE(EINTR);
        ERRNAME_CASE(EINVAL);
        ERRNAME_CASE(EIO);
        ERRNAME_CASE(EISCONN);
        ERRNAME_CASE(EISDIR);
        ERRNAME_CASE(EISNAM);
        ERRNAME_CASE(EKEYEXPIRED);
        ERRNAME_CASE(EKEYREJECTED);
        ERRNAME_CASE(EKEYREVOKED);
        ERRNAME_CASE(EL2HLT);
        ERRNAME_CASE(EL2NSYNC);
        ERRNAME_CASE(EL3HLT);
        ERRNAME_CASE(EL3RST);
        ERRNAME_CASE(ELIBACC);
        ERRNAME_CASE(ELIBBAD);
        ERRNAME_CASE(ELIBEXEC);
        ERRNAME_CASE(ELIBMAX);
        ERRNAME_CASE(ELIBSCN);
        ERRNAME_CASE(ELNRNG);
        ERRNAME_CASE(ELOOP);
        ERRNAME_CASE(EMEDIUMTYPE);
        ERRNAME_CASE(EMFILE);
        ERRNAME_CASE(EMLINK);
        ERRNAME_CASE(EMSGSIZE);
        ERRNAME_CASE(EMULTIHOP);
        ERRNAME_CASE(ENAMETOOLONG);
        ERRNAME_CASE(ENAVAIL);
        ERRNAME_CASE(ENETDOWN);
        ERRNAME_CASE(ENETRESET);
        ERRNAME_CASE(ENETUNREACH);
        ERRNAME_CASE(ENFILE);
        ERRNAME_CASE(ENOANO);
        ERRNAME_CASE(ENOBUFS);
        ERRNAME_CASE(ENOCSI);
        ERRNAME_CASE(ENODATA);
        ERRNAME_CASE(ENODEV);
        ERRNAME_CASE(ENOENT);
        ERRNAME_CASE(ENOEXEC);
        ERRNAME_CASE(ENOKEY);
        ERRNAME_CASE(ENOLCK);
        ERRNAME_CASE(ENOLINK);
        ERRNAME_CASE(ENOMEDIUM);
        ERRNAME_CASE(ENOMEM);
        ERRNAME_CASE(ENOMSG);
        ERRNAME_CASE(ENONET);
        ERRNAME_CASE(ENOPKG);
        ERRNAME_CASE(ENOPROTOOPT);
        ERRNAME_CASE(ENOSPC);
        ERRNAME_CASE(ENOSR);
        ERRNAME_CASE(ENOSTR);
        ERRNAME_CASE(ENOSYS);
        ERRNAME_CASE(ENOTBLK);
        ERRNAME_CASE(ENOTCONN);
        ERRNAME_CASE(ENOTDIR);
        ERRNAME_CASE(ENOTEMPTY);
        ERRNAME_CASE(ENOTNAM);
        ERRNAME_CASE(ENOTRECOVERABLE);
        ERRNAME_CASE(ENOTSOCK);
        ERRNAME_CASE(ENOTTY);
        ERRNAME_CASE(ENOTUNIQ);
        ERRNAME_CASE(ENXIO);
        ERRNAME_CASE(EOPNOTSUPP);
        ERRNAME_CASE(EOVERFLOW);
        ERRNAME_CASE(EOWNERDEAD);
        ERRNAME_CASE(EPERM);
        ERRNAME_CASE(EPFNOSUPPORT);
        ERRNAME_CASE(EPIPE);
        ERRNAME_CASE(EPROTO);
        ERRNAME_CASE(EPROTONOSUPPORT);
        ERRNAME_CASE(EPROTOTYPE);
        ERRNAME_CASE(ERANGE);
        ERRNAME_CASE(EREMCHG);
        ERRNAME_CASE(EREMOTE);
        ERRNAME_CASE(EREMOTEIO);
        ERRNAME_CASE(ERESTART);
        ERRNAME_CASE(ERFKILL);
        ERRNAME_CASE(EROFS);
        ERRNAME_CASE(ESHUTDOWN);
        ERRNAME_CASE(ESOCKTNOSUPPORT);
        ERRNAME_CASE(ESPIPE);
        ERRNAME_CASE(ESRCH);
        ERRNAME_CASE(ESRMNT);
        ERRNAME_CASE(ESTALE);
        ERRNAME_CASE(ESTRPIPE);
        ERRNAME_CASE(ETIME);
        ERRNAME_CASE(ETIMEDOUT);
        ERRNAME_CASE(ETOOMANYREFS);
        ERRNAME_CASE(ETXTBSY);
        ERRNAME_CASE(EUCLEAN);
        ERRNAME_CASE(EUNATCH);
        ERRNAME_CASE(EUSERS);
        ERRNAME_CASE(EXDEV);
        ERRNAME_CASE(EXFULL);
    default:
        snprintf(buf, sizeof(buf), "errno %d", e);
        return buf;
    }
}

#undef ERRNAME_CASE

#endif /* USER_ERRNAME_H */
