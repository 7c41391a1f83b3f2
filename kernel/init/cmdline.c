/**
 * @file
 * @ingroup init
 * @brief Parse the kernel command line into words and answer lookups.
 *
 * The line is copied once and split in place: each space becomes a NUL,
 * each `key=value` word keeps a pointer to its value. Lookups are linear;
 * the line is short and read only at boot. No locking (boot only).
 */
#include "kernel/cmdline.h"
#include "kernel/boot.h"
#include "kernel/string.h"

#define MAX_WORDS 64

static char line_copy[BOOT_CMDLINE_MAX];
static const char *keys[MAX_WORDS];
static const char *values[MAX_WORDS]; /**< "" for a bare word */
static int nwords;
static const char *init_words[MAX_WORDS]; /**< the words after `--` */
static int ninit_words;

/**
 * @brief Split @p line into words; later calls see this line.
 * @param line the command line from the boot loader
 */
void
cmdline_init(const char *line)
{
    strlcpy(line_copy, line, sizeof(line_copy));
    nwords = 0;
    ninit_words = 0;
    bool for_init = false;
    char *p = line_copy;
    while (*p && nwords < MAX_WORDS && ninit_words < MAX_WORDS) {
        while (*p == ' ')
            *p++ = 0;
        if (*p == 0)
            break;
        // `--`: the rest of the line is for init, as in Linux
        if (!for_init && p[0] == '-' && p[1] == '-' &&
            (p[2] == ' ' || p[2] == 0)) {
            for_init = true;
            p += 2;
            continue;
        }
        if (for_init) {
            init_words[ninit_words++] = p;
            while (*p && *p != ' ')
                p++;
            continue;
        }
        keys[nwords] = p;
        values[nwords] = "";
        while (*p && *p != ' ') {
            if (*p == '=' && values[nwords][0] == 0 &&
                values[nwords] != p + 1) {
                *p = 0;
                values[nwords] = p + 1;
            }
            p++;
        }
        nwords++;
    }
}

/**
 * @brief The value of `key=value`, "" for a bare `key`, NULL if absent.
 * @param key the word to look for; the last occurrence wins
 * @return the value, "" or NULL; valid until the next cmdline_init()
 */
const char *
cmdline_get(const char *key)
{
    const char *found = NULL;
    for (int i = 0; i < nwords; i++) {
        if (strcmp(keys[i], key) == 0)
            found = values[i];
    }
    return found;
}

/**
 * @brief Whether @p key appears at all.
 * @param key the word
 * @return true if the line holds `key` or `key=...`
 */
bool
cmdline_has(const char *key)
{
    return cmdline_get(key) != NULL;
}

/**
 * @brief A boolean word: `key` or `key=1` is true; `key=0`, absent false.
 * @param key the word
 * @return false when absent or set to `0` or `no`, true otherwise
 */
bool
cmdline_flag(const char *key)
{
    const char *v = cmdline_get(key);
    return v != NULL && strcmp(v, "0") != 0 && strcmp(v, "no") != 0;
}

/**
 * @brief A numeric `key=N` (decimal, 0x hex), or @p fallback.
 * @param key      the word
 * @param fallback returned when absent or not a number
 * @return the number, or @p fallback
 */
unsigned long
cmdline_ulong(const char *key, unsigned long fallback)
{
    const char *v = cmdline_get(key);
    const char *end;
    if (v == NULL || *v == 0)
        return fallback;
    unsigned long n = strtoul(v, &end, 0);
    return *end == 0 ? n : fallback;
}

/**
 * @brief The words after `--`: arguments for init, as Linux passes them.
 *
 * `keel quiet -- /bin/hello /bin/cowtest` starts init with argv
 * {"/init", "/bin/hello", "/bin/cowtest"}. Words after `--` are also not
 * looked up as kernel parameters.
 * @param out receives pointers to the words (valid for the kernel's life)
 * @param max room in @p out
 * @return the number of words stored
 */
int
cmdline_init_args(const char **out, int max)
{
    int n = 0;
    for (; n < ninit_words && n < max; n++)
        out[n] = init_words[n];
    return n;
}
