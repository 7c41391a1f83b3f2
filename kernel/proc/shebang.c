/**
 * @file
 * @ingroup proc
 * @brief `#!` scripts: execve of a text file that names its interpreter.
 *
 * A file that starts with `#!` is run by the program named on its first
 * line. For a script /s that begins
 *
 *     #!/bin/interp optional argument
 *
 * execve("/s", {"s", "x", "y"}, envp) becomes
 *
 *     execve("/bin/interp", {"/bin/interp", "optional argument", "/s",
 *                            "x", "y"}, envp)
 *
 * The rules are Linux's (fs/binfmt_script.c): the line is read from the
 * first SHEBANG_LINE_MAX bytes; blanks after `#!` are skipped; the
 * interpreter ends at the first blank; everything after it, trimmed, is
 * one argument (never split further). No interpreter, or a line longer
 * than the buffer, is -ENOEXEC. The interpreter may itself be a script:
 * exec.c repeats the rewrite up to SHEBANG_DEPTH times, then says -ELOOP.
 *
 * This file only parses and builds the new argument vector; exec.c finds
 * the files and builds the image.
 */
#include "kernel/shebang.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* Is @p c a blank (space or tab), the separator on a #! line? */
static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copy the first line of @p data into @p line and cut it into the
 * interpreter and its optional argument; -ENOEXEC when there is none. */
static int
parse_line(const char *data, size_t size, char *line, char **interp, char **arg)
{
    size_t n = size < SHEBANG_LINE_MAX ? size : SHEBANG_LINE_MAX;
    memcpy(line, data, n);
    line[n] = '\0';
    char *end = strchr(line, '\n');
    if (end == NULL && size > SHEBANG_LINE_MAX)
        return -ENOEXEC; // the line does not fit: the name may be cut
    if (end != NULL)
        *end = '\0';
    else
        end = line + strlen(line);
    // trim the end, skip the blanks after "#!"
    while (end > line + 2 && (is_blank(end[-1]) || end[-1] == '\r'))
        *--end = '\0';
    char *p = line + 2;
    while (is_blank(*p))
        p++;
    if (*p == '\0')
        return -ENOEXEC;
    *interp = p;
    while (*p != '\0' && !is_blank(*p))
        p++;
    *arg = NULL;
    if (*p != '\0') {
        *p++ = '\0';
        while (is_blank(*p))
            p++;
        *arg = *p != '\0' ? p : NULL;
    }
    return 0;
}

/**
 * @brief Rewrite an execve of script @p a->path into one of its interpreter.
 *
 * @param data the file's first bytes
 * @param size how many there are
 * @param a    in: the path and argv of this execve; out: the interpreter's
 *             (pointing into @p sb)
 * @param sb   storage for the new line and argv; shebang_free() it after
 *             the exec, whatever happened
 * @return 0; -ENOEXEC when the file is not a valid script; -ENOMEM
 */
int
shebang_rewrite(const char *data, size_t size, struct exec_args *a,
                struct shebang *sb)
{
    char *interp, *arg;
    sb->argv = NULL;
    if (size < 2 || data[0] != '#' || data[1] != '!')
        return -ENOEXEC;
    int err = parse_line(data, size, sb->line, &interp, &arg);
    if (err < 0)
        return err;
    // interp, [arg], the script's path, then argv[1..]
    int rest = a->argc > 1 ? a->argc - 1 : 0;
    int argc = 2 + (arg != NULL) + rest;
    sb->argv = kmalloc((size_t)(argc + 1) * sizeof(char *));
    if (sb->argv == NULL)
        return -ENOMEM;
    int k = 0;
    sb->argv[k++] = interp;
    if (arg != NULL)
        sb->argv[k++] = arg;
    sb->argv[k++] = (char *)a->path;
    for (int i = 0; i < rest; i++)
        sb->argv[k++] = a->argv[i + 1];
    sb->argv[k] = NULL;
    a->path = interp;
    a->argv = sb->argv;
    a->argc = argc;
    return 0;
}

/**
 * @brief Free what shebang_rewrite() allocated in @p sb.
 * @param sb the storage of one rewrite
 */
void
shebang_free(struct shebang *sb)
{
    kfree(sb->argv);
    sb->argv = NULL;
}
