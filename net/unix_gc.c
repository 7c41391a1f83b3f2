/**
 * @file
 * @ingroup net
 * @brief AF_UNIX: the collector of files lost in flight, and
 *        /proc/net/unix.
 *
 * A message holds references to the files it passes, so a socket's file
 * lives as long as some message carries it. A program can send a
 * socket over itself (or A over B and B over A) and close every
 * descriptor: each socket is then kept open only by a message on a
 * queue that no one can read any more, a cycle that reference counting
 * never frees. Linux runs a collector for this (net/unix/garbage.c);
 * this is the same idea, made simple:
 *
 * 1. A candidate is a socket whose file's references are all held by
 *    messages (its count equals its in-flight count): no descriptor, no
 *    system call holds it.
 * 2. Every reference that a candidate's own queue holds to another
 *    candidate is subtracted from that one's count. A candidate left
 *    with references is held from outside the candidates: it lives,
 *    and so does everything its queue holds (repeated until nothing
 *    changes).
 * 3. The candidates still marked are garbage: their queues are purged.
 *    Putting the files they held closes the sockets, which frees them.
 *
 * It runs after each local socket is released, only when some socket
 * is in flight. Locking: unix_lock while marking; the files are put
 * after it is dropped.
 */
#include "fs/procfs.h"
#include "net/net.h"
#include "uapi/stat.h"
#include "unix.h"

/* Call @p fn on every socket that a message queued on @p u (or on a
 * connection waiting in its accept queue) carries. */
static void
gc_scan(struct unix_sock *u, void (*fn)(struct unix_sock *))
{
    struct list_node *n, *e;
    list_for_each(n, &u->rx)
    {
        struct unix_msg *m = list_entry(n, struct unix_msg, link);
        for (int i = 0; i < m->nfp; i++) {
            struct unix_sock *s = unix_from_file(m->fp[i]);
            if (s != NULL && s->gc_candidate)
                fn(s);
        }
    }
    list_for_each(e, &u->accept_q)
    {
        gc_scan(list_entry(e, struct unix_sock, accept_link), fn);
    }
}

static void
gc_dec(struct unix_sock *s)
{
    s->gc_refs--;
}

static void
gc_keep(struct unix_sock *s)
{
    s->gc_refs = 1; // reachable from a live socket: it lives too
}

/* Step 1: mark the candidates; whether there is any. */
static bool
gc_mark(void)
{
    bool any = false;
    struct list_node *n;
    list_for_each(n, &unix_all)
    {
        struct unix_sock *u = list_entry(n, struct unix_sock, all);
        int refs =
            u->file ? __atomic_load_n(&u->file->refs, __ATOMIC_SEQ_CST) : 0;
        u->gc_candidate =
            u->file != NULL && u->inflight > 0 && refs == u->inflight;
        u->gc_refs = refs;
        any = any || u->gc_candidate;
    }
    return any;
}

// [gc_unmark_live]
/* Step 2: unmark every candidate held from outside the candidates. */
static void
gc_unmark_live(void)
{
    struct list_node *n;
    list_for_each(n, &unix_all)
    {
        struct unix_sock *u = list_entry(n, struct unix_sock, all);
        if (u->gc_candidate)
            gc_scan(u, gc_dec);
    }
    bool changed = true;
    while (changed) {
        changed = false;
        list_for_each(n, &unix_all)
        {
            struct unix_sock *u = list_entry(n, struct unix_sock, all);
            if (u->gc_candidate && u->gc_refs > 0) {
                u->gc_candidate = false;
                gc_scan(u, gc_keep);
                changed = true;
            }
        }
    }
}
// [gc_unmark_live]

/**
 * @brief Free the sockets that only unreadable messages keep open.
 * @pre unix_lock not held
 */
void
unix_gc(void)
{
    struct list_node puts = LIST_INIT(puts);
    mutex_lock(&unix_lock);
    if (gc_mark()) {
        gc_unmark_live();
        struct list_node *n, *e;
        list_for_each(n, &unix_all)
        {
            struct unix_sock *u = list_entry(n, struct unix_sock, all);
            if (!u->gc_candidate)
                continue;
            unix_purge(u, &puts); // step 3
            list_for_each(e, &u->accept_q)
            {
                unix_purge(list_entry(e, struct unix_sock, accept_link), &puts);
            }
        }
    }
    mutex_unlock(&unix_lock);
    unix_put_files(&puts);
}

/* ---- /proc/net/unix ------------------------------------------------------ */

/* One socket's line, in Linux's format (the address column is zeros,
 * as Linux shows it to a reader without privileges). */
static void
unix_show_one(struct pbuf *b, const struct unix_sock *u)
{
    unsigned st = u->file == NULL ? 2 : u->state == UNIX_CONNECTED ? 3 : 1;
    pbuf_printf(b, "0000000000000000: %08X %08X %08X %04X %02X %5lu",
                (unsigned)u->refs, 0u,
                u->state == UNIX_LISTENING ? 0x10000u : 0u, (unsigned)u->type,
                st, (unsigned long)u->node.ino);
    if (u->addr.len > sizeof(uint16_t)) {
        pbuf_printf(b, " ");
        const char *p = u->addr.sun.sun_path;
        size_t n = u->addr.len - sizeof(uint16_t);
        for (size_t i = 0; i < n && (i == 0 || p[i] != 0 || p[0] == 0); i++)
            pbuf_printf(b, "%c", p[i] == 0 ? '@' : p[i]);
    }
    pbuf_printf(b, "\n");
}

/**
 * @brief /proc/net/unix: every AF_UNIX socket, one line each.
 * @param b   the buffer to fill
 * @param pid unused (the file is the same for every process)
 */
void
unix_show_proc(struct pbuf *b, int pid)
{
    (void)pid;
    pbuf_printf(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
    mutex_lock(&unix_lock);
    struct list_node *n;
    list_for_each(n, &unix_all)
    {
        unix_show_one(b, list_entry(n, struct unix_sock, all));
    }
    mutex_unlock(&unix_lock);
}
