/**
 * @file
 * @ingroup net
 * @brief AF_UNIX socket options: setsockopt and getsockopt.
 *
 * Only SOL_SOCKET's: a local socket has no protocol level (Linux
 * answers -EOPNOTSUPP for any other). SO_PEERCRED is the peer's
 * credentials as they were at connect, socketpair or listen;
 * SO_PASSCRED asks for SCM_CREDENTIALS on every receive; SO_SNDBUF
 * bounds the bytes a sender may have unread (unix_msg.c).
 *
 * Locking: unix_lock around the socket's fields.
 */
#include "kernel/string.h"
#include "net/net.h"
#include "uapi/errno.h"
#include "unix.h"

/** Linux's net.core.wmem_max, and the smallest buffers. */
#define UNIX_BUF_MAX 212992
#define UNIX_SNDBUF_MIN 4608
#define UNIX_RCVBUF_MIN 2304

/* A buffer size as Linux stores it: capped, doubled, at least @p min. */
static unsigned
unix_bufsize(int v, unsigned min)
{
    uint64_t d = v < 0 ? 0 : (uint64_t)v;
    d = (d > UNIX_BUF_MAX ? UNIX_BUF_MAX : d) * 2;
    return d < min ? min : (unsigned)d;
}

/* SO_RCVTIMEO or SO_SNDTIMEO from a struct timeval. */
static long
unix_set_timeo(uint64_t *ns, const void *val, unsigned len)
{
    int64_t tv[2];
    if (len < sizeof tv)
        return -EINVAL;
    memcpy(tv, val, sizeof tv);
    if (tv[1] < 0 || tv[1] >= 1000000)
        return -EDOM;
    *ns = tv[0] < 0 ? 1
                    : (uint64_t)tv[0] * 1000000000ULL + (uint64_t)tv[1] * 1000;
    return 0;
}

/**
 * @brief setsockopt on a local socket: SOL_SOCKET only.
 * @param f     the socket's file
 * @param level SOL_SOCKET (else -EOPNOTSUPP, as Linux answers)
 * @param name  the option
 * @param val   its value, copied in
 * @param len   its length
 * @return 0; -EINVAL (short), -EDOM, -ENOPROTOOPT, -EOPNOTSUPP
 */
long
unix_setsockopt(struct file *f, int level, int name, const void *val,
                unsigned len)
{
    struct unix_sock *u = f->priv;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
        return unix_set_timeo(
            name == SO_RCVTIMEO ? &u->rcvtimeo_ns : &u->sndtimeo_ns, val, len);
    if (len < sizeof(int))
        return -EINVAL;
    int v;
    memcpy(&v, val, sizeof v);
    mutex_lock(&unix_lock);
    long err = 0;
    if (name == SO_PASSCRED)
        u->passcred = v != 0;
    else if (name == SO_SNDBUF)
        u->sndbuf = unix_bufsize(v, UNIX_SNDBUF_MIN);
    else if (name == SO_RCVBUF)
        u->rcvbuf = unix_bufsize(v, UNIX_RCVBUF_MIN);
    else if (name != SO_REUSEADDR && name != SO_KEEPALIVE &&
             name != SO_BROADCAST && name != SO_DEBUG)
        err = -ENOPROTOOPT;
    unix_wake(u); // a writer may now have room
    mutex_unlock(&unix_lock);
    return err;
}

/* An int-valued SOL_SOCKET option: 0 or -ENOPROTOOPT. */
static long
unix_int_opt(struct unix_sock *u, int name, int *v)
{
    switch (name) {
    case SO_TYPE:
        *v = u->type;
        return 0;
    case SO_DOMAIN:
        *v = AF_UNIX;
        return 0;
    case SO_PROTOCOL:
    case SO_REUSEADDR:
    case SO_KEEPALIVE:
    case SO_BROADCAST:
        *v = 0;
        return 0;
    case SO_ACCEPTCONN:
        *v = u->state == UNIX_LISTENING;
        return 0;
    case SO_PASSCRED:
        *v = u->passcred;
        return 0;
    case SO_SNDBUF:
        *v = (int)u->sndbuf;
        return 0;
    case SO_RCVBUF:
        *v = (int)u->rcvbuf;
        return 0;
    case SO_ERROR:
        *v = u->error;
        u->error = 0; // reading it clears it
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

/**
 * @brief getsockopt on a local socket.
 * @param f     the socket's file
 * @param level SOL_SOCKET (else -EOPNOTSUPP)
 * @param name  the option; SO_PEERCRED is the peer's struct ucred as it
 *              was at connect (or socketpair, or the listener's listen)
 * @param out   receives the value (room for 16 bytes)
 * @return the value's length; -ENOPROTOOPT, -EOPNOTSUPP
 */
long
unix_getsockopt(struct file *f, int level, int name, void *out)
{
    struct unix_sock *u = f->priv;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    mutex_lock(&unix_lock);
    long r = sizeof(int);
    if (name == SO_PEERCRED) {
        struct ucred c = {0, (uint32_t)-1, (uint32_t)-1};
        if (u->has_peercred)
            c = u->peercred;
        memcpy(out, &c, sizeof c);
        r = sizeof c;
    } else if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
        uint64_t ns = name == SO_RCVTIMEO ? u->rcvtimeo_ns : u->sndtimeo_ns;
        int64_t tv[2] = {(int64_t)(ns / 1000000000ULL),
                         (int64_t)(ns % 1000000000ULL / 1000)};
        memcpy(out, tv, sizeof tv);
        r = sizeof tv;
    } else {
        int v = 0;
        r = unix_int_opt(u, name, &v);
        if (r == 0) {
            memcpy(out, &v, sizeof v);
            r = sizeof v;
        }
    }
    mutex_unlock(&unix_lock);
    return r;
}
