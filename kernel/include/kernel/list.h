/**
 * @file
 * @ingroup lib
 * @brief Intrusive doubly linked lists, as in Linux.
 *
 * A struct that wants to be on a list embeds a `struct list_node`; the list
 * head is a node too, pointing at itself when empty. list_entry() turns a
 * node pointer back into the struct that holds it. No allocation, O(1)
 * insert and remove: the free lists of the buddy allocator, the slabs of a
 * cache and (later) run queues are all such lists. No locking: the owner of
 * the list holds whatever lock protects it.
 */
#ifndef KERNEL_LIST_H
#define KERNEL_LIST_H

#include "kernel/types.h"

/** A link in a list, or the head of a list. */
struct list_node {
    struct list_node *next; /**< next node (the head when last) */
    struct list_node *prev; /**< previous node (the head when first) */
};

/** An empty list head, for static initialisation: `LIST_INIT(name)`. */
#define LIST_INIT(name)                                                        \
    {                                                                          \
        &(name), &(name)                                                       \
    }

/**
 * @brief Make @p head an empty list.
 * @param head the list head
 */
static inline void
list_init(struct list_node *head)
{
    head->next = head;
    head->prev = head;
}

/**
 * @brief Is the list empty?
 * @param head the list head
 * @return true when no node is on it
 */
static inline bool
list_empty(const struct list_node *head)
{
    return head->next == head;
}

/**
 * @brief Insert @p node right after @p pos (at the front if @p pos is the head).
 * @param pos  a node on the list, or its head
 * @param node the node to insert; must not be on any list
 */
static inline void
list_insert_after(struct list_node *pos, struct list_node *node)
{
    node->prev = pos;
    node->next = pos->next;
    pos->next->prev = node;
    pos->next = node;
}

/**
 * @brief Add @p node at the front of the list @p head.
 * @param head the list head
 * @param node the node to add
 */
static inline void
list_push_front(struct list_node *head, struct list_node *node)
{
    list_insert_after(head, node);
}

/**
 * @brief Add @p node at the back of the list @p head.
 * @param head the list head
 * @param node the node to add
 */
static inline void
list_push_back(struct list_node *head, struct list_node *node)
{
    list_insert_after(head->prev, node);
}

/**
 * @brief Take @p node off its list and leave it self-linked.
 * @param node a node on some list
 */
static inline void
list_remove(struct list_node *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node;
    node->prev = node;
}

/** The struct of type @p type whose member @p member is @p ptr. */
#define list_entry(ptr, type, member)                                          \
    ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

/** Iterate @p pos over the nodes of @p head (do not remove @p pos). */
#define list_for_each(pos, head)                                               \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif /* KERNEL_LIST_H */
