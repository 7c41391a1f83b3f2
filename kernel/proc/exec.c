/**
 * @file
 * @ingroup proc
 * @brief execve and the start of init: a program replaces a process's image.
 *
 * execve builds the new image completely *before* touching the old one: a
 * fresh address space, the ELF segments loaded into it (kernel/proc/elf.c;
 * for a dynamically linked program, its loader's too), the stack with argv, envp and the auxiliary vector (kernel/proc/ustack.c).
 * Only when all of that worked does the process switch to it and free the
 * old one, so a failed exec returns an error to a process that is still
 * intact. The pid, the parent and the children stay; the registers start
 * fresh at the program's entry point.
 *
 * Programs come from the initramfs in chapter 3 (the VFS of chapter 5
 * generalises this to any file).
 */
#include "fs/initramfs.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"
#if CHAPTER >= 4
#include "fs/file.h"
#include "kernel/shebang.h"
#endif

#if CHAPTER >= 5
/*
 * A program's bytes: the path walked from the cwd, symlinks followed,
 * from any file system. A file whose bytes are in pages is copied into
 * one piece (*@p copy, for the caller to kfree once the image is built);
 * -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES (not a regular file,
 * no x permission, a noexec mount).
 */
static int
find_program(const char *path, struct cpio_entry *e, void **copy)
{
    struct dentry *d;
    struct proc *p = proc_current();
    *copy = NULL;
    struct dentry *base = p != NULL ? p->fs_cwd : fs_root(); // boot: "/"
    mutex_lock(&vfs_lock);
    int err = path_walk(base, path, 0, &d);
    mutex_unlock(&vfs_lock);
    if (err < 0)
        return err;
    struct inode *n = d->inode;
    if (!S_ISTYPE(n->mode, S_IFREG) || !(n->mode & 0111) ||
        (d->sb->flags & MS_NOEXEC))
        err = -EACCES;
    else
        err = inode_permission(n, X_OK);
    if (err == 0)
        err = vfs_file_bytes(n, &e->data, &e->size, copy);
    e->mode = n->mode;
    dentry_put(d);
    return err;
}
#elif CHAPTER >= 4
/* A program's bytes: the path walked from the cwd, symlinks followed;
 * -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EACCES (not a regular file,
 * or no x bit). The bytes are the file's own: *@p copy is NULL. */
static int
find_program(const char *path, struct cpio_entry *e, void **copy)
{
    struct fnode *n;
    struct proc *p = proc_current();
    *copy = NULL;
    int err = path_lookup(p != NULL ? p->fs_cwd : fs_root(), path, 0, &n);
    if (err < 0)
        return err;
    if (!S_ISTYPE(n->mode, S_IFREG) || !(n->mode & 0111))
        return -EACCES;
    e->data = n->data;
    e->size = n->size;
    e->mode = n->mode;
    return 0;
}
#else
/* A program's bytes from the initramfs: -ENOENT, -EACCES (not a file).
 * They lie in the archive, in place: *@p copy (bytes the caller would
 * have to free) is NULL. */
static int
find_program(const char *path, struct cpio_entry *e, void **copy)
{
    *copy = NULL;
    int err = initramfs_lookup(path, e);
    if (err < 0)
        return err;
    if ((e->mode & CPIO_S_IFMT) != CPIO_S_IFREG)
        return -EACCES;
    return 0;
}
#endif

/*
 * Load the dynamic loader at @p path (a PT_INTERP's) into @p mm beside
 * program @p img, and start the process there, AT_BASE telling it where it
 * is. Found as a program is (it must be executable); -ENOENT, -EACCES,
 * -ELIBBAD (not a loader Keel can run), -ENOMEM.
 */
static int
load_interp(struct mm *mm, const char *path, struct elf_image *img)
{
    struct cpio_entry e;
    void *copy;
    if (path[0] == '\0')
        return -EACCES; // Linux looks "" up as the cwd: not a regular file
    int err = find_program(path, &e, &copy);
    if (err < 0)
        return err;
    struct elf_image ld;
    err = elf_load_interp(mm, e.data, e.size, &ld);
    kfree(copy);
    if (err < 0)
        return err;
    img->interp_base = ld.load_bias;
    img->start = ld.entry;
    return 0;
}

/* Build a complete new image of @p path; on success *mmp, *entry, *sp. */
static int
build_image(const char *path, char *const argv[], int argc, char *const envp[],
            int envc, struct mm **mmp, vaddr_t *entry, vaddr_t *sp)
{
    struct cpio_entry e;
    void *copy; // the program's bytes, if they had to be gathered
    int err = find_program(path, &e, &copy);
    if (err < 0)
        return err;
    struct mm *mm = mm_create();
    if (mm == NULL) {
        kfree(copy);
        return -ENOMEM;
    }
    struct elf_image img;
    // [interp]
    err = elf_load(mm, e.data, e.size, &img);
    const char *interp = err == 0 ? elf_interp(e.data, e.size) : NULL;
    if (interp != NULL) // a dynamically linked program: ld.so runs first
        err = load_interp(mm, interp, &img);
    // [interp]
    kfree(copy); // the segments are copied into the new image
    if (err == 0)
        err = ustack_setup(mm, argv, argc, envp, envc, &img, path, sp);
    if (err < 0) {
        mm_destroy(mm);
        return err;
    }
    mm->brk_start = mm->brk = img.brk;
    *mmp = mm;
    *entry = img.start;
    return 0;
}

/* The last part of a path: the process's new name. */
static const char *
basename(const char *path)
{
    const char *slash = path;
    for (const char *c = path; *c; c++) {
        if (*c == '/')
            slash = c + 1;
    }
    return slash;
}

#if CHAPTER >= 4
/* Does @p e start with "#!"? */
static bool
is_script(const struct cpio_entry *e)
{
    const char *d = (const char *)e->data;
    return e->size >= 2 && d[0] == '#' && d[1] == '!';
}

/* build_image, following `#!` lines through at most SHEBANG_DEPTH scripts
 * (kernel/proc/shebang.c); -ELOOP past them. */
static int
build_program(const char *path, char *const argv[], int argc,
              char *const envp[], int envc, struct mm **mmp, vaddr_t *entry,
              vaddr_t *sp)
{
    struct shebang *sb = kmalloc(SHEBANG_DEPTH * sizeof(*sb));
    if (sb == NULL)
        return -ENOMEM;
    struct exec_args a = {path, (char **)argv, argc};
    int depth = 0;
    int err = build_image(a.path, a.argv, a.argc, envp, envc, mmp, entry, sp);
    while (err == -ENOEXEC) {
        struct cpio_entry e;
        void *copy;
        if (find_program(a.path, &e, &copy) < 0)
            break;
        bool script = is_script(&e);
        if (script && depth == SHEBANG_DEPTH)
            err = -ELOOP; // scripts nested too deep
        if (!script || err == -ELOOP) {
            kfree(copy);
            break;
        }
        err = shebang_rewrite((const char *)e.data, e.size, &a, &sb[depth]);
        kfree(copy); // the rewrite copied what it needs
        if (err < 0)
            break;
        depth++;
        err = build_image(a.path, a.argv, a.argc, envp, envc, mmp, entry, sp);
    }
    while (depth > 0)
        shebang_free(&sb[--depth]);
    kfree(sb);
    return err;
}
#else
/* Every program is an ELF file in this chapter: build its image. */
static int
build_program(const char *path, char *const argv[], int argc,
              char *const envp[], int envc, struct mm **mmp, vaddr_t *entry,
              vaddr_t *sp)
{
    return build_image(path, argv, argc, envp, envc, mmp, entry, sp);
}
#endif

/**
 * @brief execve(): replace the current process's program.
 * @param path the program (a path in the initramfs)
 * @param argv argc kernel copies of the arguments
 * @param argc their number
 * @param envp envc kernel copies of the environment strings
 * @param envc their number
 * @return does not return to the old program on success (the saved user
 *         registers now start the new one; the value 0 is ignored);
 *         -ENOENT, -EACCES, -ENOEXEC, -E2BIG, -ENOMEM on failure,
 *         -ELIBBAD for a dynamic loader Keel cannot run (and -ELOOP for
 *         scripts nested too deep, from chapter 4)
 */
// [execve]
int
proc_execve(const char *path, char *const argv[], int argc, char *const envp[],
            int envc)
{
    struct proc *p = proc_current();
    struct thread *self = thread_current();
    struct mm *mm;
    vaddr_t entry, sp;
    int err = build_program(path, argv, argc, envp, envc, &mm, &entry, &sp);
    if (err < 0)
        return err;

    // the point of no return: switch to the new image, drop the old one
    struct mm *old = p->mm;
    irqflags_t flags = arch_irq_save();
    p->mm = mm;
    self->mm_root = mm->root;
    mm_activate(mm);
    self->fs_base = p->fs_base = 0;
    arch_set_fs_base(0);
    arch_irq_restore(flags);
    mm_destroy(old);
    strlcpy(p->name, basename(path), sizeof(p->name));
    strlcpy(self->name, p->name, sizeof(self->name));
    proc_hooks_exec(p, path, sp); // what the old program set up goes too
    arch_frame_reset(self->user_frame, entry, sp);
    arch_fpu_reset(self->fpu);
    arch_fpu_restore(self->fpu);
    return 0;
}
// [execve]

/* init's thread: enter user mode at the entry point saved for it. */
static int
init_thread(void *arg)
{
    vaddr_t *start = arg; // entry, sp
    arch_enter_user(start[0], start[1]);
}

/**
 * @brief Create process 1 running @p path from the initramfs.
 * @param path  the program, usually "/init" (or the `init=` word)
 * @param args  its arguments after argv[0] (the command line after `--`)
 * @param nargs how many (at most INIT_MAX_ARGS are used)
 * @return 0, or the error that prevented it (the kernel then powers off
 *         with KEEL_EXIT_INIT): -ENOENT, -EACCES, -ENOEXEC, -ENOMEM, and
 *         from chapter 4 -ELOOP (`#!` scripts are followed as by execve)
 */
int
proc_start_init(const char *path, const char *const args[], int nargs)
{
    static vaddr_t start[2];
    static char *const envp[] = {"HOME=/", "TERM=linux", NULL};
    char *argv[INIT_MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = (char *)path;
    for (int i = 0; i < nargs && i < INIT_MAX_ARGS; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
    struct mm *mm;
    int err =
        build_program(path, argv, argc, envp, 2, &mm, &start[0], &start[1]);
    if (err < 0)
        return err;
    struct proc *p = proc_alloc(NULL, basename(path));
    if (p == NULL) {
        mm_destroy(mm);
        return -ENOMEM;
    }
    p->mm = mm;
    proc_hooks_start_init(p, path, start[1]); // what init has of its own
    proc_set_init(p);
    irqflags_t flags = arch_irq_save();
    struct thread *t = thread_create(init_thread, start, p->name);
    if (t == NULL) {
        arch_irq_restore(flags);
        return -ENOMEM;
    }
    t->proc = p;
    t->mm_root = mm->root;
    arch_fpu_reset(t->fpu);
    thread_detach(t);
    p->thread = t;
    // said before init can run: with interrupts on, the timer could
    // switch to init first, and this line would land inside its output
    pr_info("keel: started %s as pid %d\n", path, p->pid);
    arch_irq_restore(flags);
    return 0;
}
