/**
 * @file
 * @ingroup net
 * @brief The network stack's own interface, shared by the files of net/.
 *
 * Nothing outside net/ includes this header except the socket system
 * calls' thin file (kernel/syscalls/socket.c), which reaches sockets
 * only through the functions at its end. No lwIP type appears here:
 * lwIP's headers stay inside net/'s .c files.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "kernel/sync.h"
#include "kernel/types.h"
#include "kernel/uaccess.h"
#include "uapi/socket.h"

struct netdev;

/* the lock, the thread and sleeping (net/core.c) */
void net_lock(void);
void net_unlock(void);
void net_sleep(struct wait_queue *wq);
void net_wake(struct wait_queue *wq);
uint32_t net_random32(void);

/* interfaces on cards (net/netif.c), and their ioctls (net/ifioctl.c) */
int netif_attach(struct netdev *nd);
long net_if_ioctl(unsigned long cmd, uptr_t arg);

/* the socket calls (net/socket.c), for kernel/syscalls/socket.c: the
 * arguments are in kernel memory, addresses already copied in */
long sock_fd_check(int fd);
long sock_socket(int family, int type, int protocol);
long sock_bind(int fd, const struct sockaddr_storage *a, unsigned len);
long sock_connect(int fd, const struct sockaddr_storage *a, unsigned len);
long sock_listen(int fd, int backlog);
long sock_socketpair(int family, int type, int protocol, int fds[2]);
long sock_accept(int fd, struct sockaddr_storage *pa, unsigned *plen,
                 int flags);
long sock_sendmsg(int fd, const struct iovec *iov, size_t n,
                  const struct sockaddr_storage *to, unsigned tolen, int flags,
                  const void *ctl, size_t ctllen);
long sock_recvmsg(int fd, const struct iovec *iov, size_t n,
                  struct sockaddr_storage *fa, unsigned *falen, int *flags,
                  void *ctl, size_t *ctllen);
long sock_shutdown(int fd, int how);
long sock_getname(int fd, struct sockaddr_storage *sa, unsigned *len,
                  bool peer);
long sock_setsockopt(int fd, int level, int name, const void *val,
                     unsigned len);
long sock_getsockopt(int fd, int level, int name, void *out);

#endif /* NET_NET_H */
