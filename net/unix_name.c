/**
 * @file
 * @ingroup net
 * @brief AF_UNIX names: paths, abstract names and autobind; finding the
 *        socket a name stands for; bind and getsockname.
 *
 * A path name is a socket inode made in the file system by bind()
 * (S_IFSOCK, as mknod makes it), and found again by connect() and
 * sendto() through the path walk: the socket holds a reference to that
 * inode, and the list of named sockets maps the inode back to it. An
 * abstract name (sun_path[0] == 0) lives only in that list; its length
 * is the address length, to the byte. Unlinking a path removes the name
 * only: the socket goes on, and the next connect finds no file (ENOENT).
 *
 * Locking: unix_lock around the list; vfs_lock is taken inside it.
 */
#include "fs/vfs.h"
#include "kernel/string.h"
#include "net/net.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/stat.h"
#include "unix.h"

/** Named sockets, for connect and sendto. */
static struct list_node unix_bound = LIST_INIT(unix_bound);
static unsigned unix_autobind_next;

/**
 * @brief Check an address of connect or sendto.
 * @param a   the address
 * @param len its length
 * @return 0, or -EINVAL (no name, too long, not AF_UNIX)
 */
int
unix_check_addr(const struct sockaddr_storage *a, unsigned len)
{
    if (len <= sizeof(uint16_t) || len > sizeof(struct sockaddr_un) ||
        a->ss_family != AF_UNIX)
        return -EINVAL;
    return 0;
}

/* The path of @p a, NUL-terminated in @p path (at most 108 bytes); its
 * address length as Linux stores it (unix_mkname_bsd). */
static unsigned
unix_path(const struct sockaddr_storage *a, unsigned len, char *path)
{
    const struct sockaddr_un *sun = (const struct sockaddr_un *)a;
    size_t n = len - sizeof(uint16_t);
    memcpy(path, sun->sun_path, n);
    path[n] = 0;
    return (unsigned)(sizeof(uint16_t) + strlen(path) + 1);
}

/* The named socket of @p type whose abstract name is @p a's. */
static struct unix_sock *
unix_find_abstract(const struct sockaddr_storage *a, unsigned len, int type)
{
    struct list_node *n;
    list_for_each(n, &unix_bound)
    {
        struct unix_sock *u = list_entry(n, struct unix_sock, bound);
        if (u->inode == NULL && u->addr.len == len && u->type == type &&
            memcmp(&u->addr.sun, a, len) == 0)
            return u;
    }
    return NULL;
}

/* The socket bound to the path of @p a: it or NULL with *err set
 * (-ENOENT, -ECONNREFUSED, -EPROTOTYPE, -EACCES, ...). */
static struct unix_sock *
unix_find_path(const struct sockaddr_storage *a, unsigned len, int type,
               int *err)
{
    char path[sizeof(struct sockaddr_un)];
    unix_path(a, len, path);
    struct dentry *d;
    *err = path_lookup_at(AT_FDCWD, path, 0, &d);
    if (*err < 0)
        return NULL;
    struct unix_sock *found = NULL;
    *err = inode_permission(d->inode, W_OK);
    struct list_node *n;
    list_for_each(n, &unix_bound)
    {
        struct unix_sock *u = list_entry(n, struct unix_sock, bound);
        if (*err == 0 && u->inode == d->inode)
            found = u;
    }
    dentry_put(d);
    if (*err == 0 && found == NULL)
        *err = -ECONNREFUSED; // not a socket, or no one bound there
    else if (found != NULL && found->type != type)
        *err = -EPROTOTYPE;
    return *err == 0 ? found : NULL;
}

/**
 * @brief The socket named by @p a, referenced.
 * @param a    the address (checked here)
 * @param len  its length
 * @param type the type the socket must have
 * @param err  receives -errno when none is found
 * @return the socket, or NULL: -EINVAL, -ENOENT, -ECONNREFUSED,
 *         -EPROTOTYPE, -EACCES
 * @pre unix_lock held
 */
struct unix_sock *
unix_find(const struct sockaddr_storage *a, unsigned len, int type, int *err)
{
    *err = unix_check_addr(a, len);
    if (*err < 0)
        return NULL;
    const struct sockaddr_un *sun = (const struct sockaddr_un *)a;
    struct unix_sock *u;
    if (sun->sun_path[0] != 0) {
        u = unix_find_path(a, len, type, err);
    } else {
        u = unix_find_abstract(a, len, type);
        *err = u == NULL ? -ECONNREFUSED : 0;
    }
    if (u != NULL)
        u->refs++;
    return u;
}

/* Bind @p u to the path of @p a: make the socket inode. */
static int
unix_bind_path(struct unix_sock *u, const struct sockaddr_storage *a,
               unsigned len)
{
    char path[sizeof(struct sockaddr_un)];
    unsigned alen = unix_path(a, len, path);
    mutex_lock(&vfs_lock);
    struct dentry *dir, *d = NULL;
    const char *name;
    size_t nlen;
    int err = path_parent_at(AT_FDCWD, path, &dir, &name, &nlen);
    if (err == 0) {
        err = vfs_create_locked(dir, name, nlen, S_IFSOCK | 0777, 0, &d);
        dentry_put(dir);
    }
    if (err == 0) {
        u->inode = d->inode;
        inode_get(u->inode);
        dentry_put(d);
    }
    mutex_unlock(&vfs_lock);
    if (err < 0)
        return err == -EEXIST ? -EADDRINUSE : err;
    u->addr.sun.sun_family = AF_UNIX;
    memcpy(u->addr.sun.sun_path, path, alen - sizeof(uint16_t));
    u->addr.len = alen;
    return 0;
}

/**
 * @brief Give @p u an abstract name of its own, "\0" and five hex
 *        digits (Linux's autobind): bind with only a family, or a
 *        datagram sent or connected with SO_PASSCRED and no name.
 * @param u the socket, unbound
 * @return 0
 * @pre unix_lock held
 */
int
unix_autobind(struct unix_sock *u)
{
    struct sockaddr_storage a = {.ss_family = AF_UNIX};
    for (;;) {
        unsigned n = unix_autobind_next++ & 0xfffff;
        const char *hex = "0123456789abcdef";
        for (int i = 0; i < 5; i++)
            a.ss_data[1 + i] = hex[(n >> (4 * (4 - i))) & 0xf];
        if (unix_find_abstract(&a, 8, u->type) == NULL)
            break;
    }
    memcpy(&u->addr.sun, &a, 8);
    u->addr.len = 8;
    list_push_back(&unix_bound, &u->bound);
    return 0;
}

/**
 * @brief bind(fd, addr, len) on a local socket.
 * @param f   the socket's file
 * @param a   the address, copied in
 * @param len its length
 * @return 0; -EINVAL (short, not AF_UNIX, already bound), -EADDRINUSE,
 *         and the path walk's errors (-ENOENT, -EACCES, -ENOTDIR, ...)
 */
long
unix_bind(struct file *f, const struct sockaddr_storage *a, unsigned len)
{
    struct unix_sock *u = f->priv;
    if (len < sizeof(uint16_t) || a->ss_family != AF_UNIX ||
        len > sizeof(struct sockaddr_un))
        return -EINVAL;
    mutex_lock(&unix_lock);
    int err = 0;
    if (u->addr.len != 0)
        err = -EINVAL;
    else if (len == sizeof(uint16_t))
        err = unix_autobind(u);
    else if (a->ss_data[0] != 0)
        err = unix_bind_path(u, a, len);
    else if (unix_find_abstract(a, len, u->type) != NULL)
        err = -EADDRINUSE;
    else {
        memcpy(&u->addr.sun, a, len);
        u->addr.len = len;
    }
    if (err == 0 && list_empty(&u->bound))
        list_push_back(&unix_bound, &u->bound);
    mutex_unlock(&unix_lock);
    return err;
}

/**
 * @brief getsockname and getpeername on a local socket.
 * @param f    the socket's file
 * @param a    receives the address
 * @param len  receives its length (2 for an unnamed socket)
 * @param peer the peer's name rather than the socket's own
 * @return 0, or -ENOTCONN (getpeername without a peer)
 */
long
unix_getname(struct file *f, struct sockaddr_storage *a, unsigned *len,
             bool peer)
{
    struct unix_sock *u = f->priv;
    mutex_lock(&unix_lock);
    struct unix_sock *w = peer ? u->peer : u;
    long err = w == NULL ? -ENOTCONN : 0;
    if (w != NULL && w->addr.len != 0) {
        memcpy(a, &w->addr.sun, w->addr.len);
        *len = w->addr.len;
    } else {
        a->ss_family = AF_UNIX;
        *len = sizeof(uint16_t);
    }
    mutex_unlock(&unix_lock);
    return err;
}
