/**
 * @file
 * @ingroup tty
 * @brief From PS/2 scan codes to the bytes a terminal's program reads.
 *
 * A keyboard does not send characters. It sends a "make" code when a key
 * goes down and a "break" code (the make code with bit 7 set) when it
 * comes up, whatever the key means; the 8042 controller in a PC
 * translates the keyboard's codes to the old XT set 1 that this file
 * reads. Keys added after the XT (the arrows, Home, right Ctrl) send the
 * prefix byte 0xe0 first. Everything else is software: the shift, ctrl
 * and alt keys are remembered from their make and break codes, caps lock
 * toggles on each press, and a key becomes bytes from a US layout table:
 *
 * - a letter, shifted or with caps lock as uppercase; a digit or symbol,
 *   shifted as on the keycap; Enter is CR, Backspace is DEL (0x7f), as
 *   Linux's console sends (termios' VERASE is DEL by default);
 * - with ctrl, the ASCII control character (^C is 3), which the line
 *   discipline may turn into a signal;
 * - with alt, ESC then the key, as Linux's console does by default;
 * - the arrows as ESC [ A..D, or ESC O A..D once the screen asked for
 *   "application cursor keys" (vi and less may); Home, End, Insert,
 *   Delete, Page Up/Down and F1-F12 as Linux's console sends them.
 *
 * Pure code, compiled for the host too (grading/host/test_vt.c). The
 * caller (kernel/tty/vt.c) runs it in the keyboard interrupt.
 */
#include "kernel/vt.h"

/** Set 1 make codes 0x00-0x39 on a US keyboard, unshifted; 0: no char. */
static const char plain[0x3a] = {
    0,   27,  '1', '2',  '3',  '4', '5', '6',  '7', '8', '9', '0',
    '-', '=', 127, '\t', 'q',  'w', 'e', 'r',  't', 'y', 'u', 'i',
    'o', 'p', '[', ']',  '\r', 0,   'a', 's',  'd', 'f', 'g', 'h',
    'j', 'k', 'l', ';',  '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',',  '.',  '/', 0,   '*',  0,   ' ',
};

/** The same keys with shift held. */
static const char shifted[0x3a] = {
    0,    27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',  127,
    '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,
    'A',  'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|',  'Z',
    'X',  'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' ',
};

/** The number pad (0x47-0x53) as digits: num lock taken as on. */
static const char keypad[0x0d] = "789-456+1230.";

/* Scan codes of the keys that change the state. */
enum {
    SC_CTRL = 0x1d,
    SC_SHIFT_L = 0x2a,
    SC_SHIFT_R = 0x36,
    SC_ALT = 0x38,
    SC_CAPS = 0x3a,
    SC_F1 = 0x3b,
    SC_F11 = 0x57,
    SC_F12 = 0x58,
    SC_EXTENDED = 0xe0,
};

/* Copy the string @p s into @p out; its length. */
static size_t
put(char *out, const char *s)
{
    size_t n = 0;
    while (n < KBD_MAX_BYTES - 1 && s[n] != 0) {
        out[n] = s[n];
        n++;
    }
    return n;
}

/* The sequence of an extended (0xe0) key, or NULL. */
static const char *
extended_key(const struct kbd_state *k, uint8_t code)
{
    switch (code) {
    case 0x48:
        return k->app_cursor ? "\033OA" : "\033[A";
    case 0x50:
        return k->app_cursor ? "\033OB" : "\033[B";
    case 0x4d:
        return k->app_cursor ? "\033OC" : "\033[C";
    case 0x4b:
        return k->app_cursor ? "\033OD" : "\033[D";
    case 0x47:
        return "\033[1~"; // Home
    case 0x52:
        return "\033[2~"; // Insert
    case 0x53:
        return "\033[3~"; // Delete
    case 0x4f:
        return "\033[4~"; // End
    case 0x49:
        return "\033[5~"; // Page Up
    case 0x51:
        return "\033[6~"; // Page Down
    case 0x1c:
        return "\r"; // the keypad's Enter
    case 0x35:
        return "/"; // the keypad's slash
    default:
        return NULL;
    }
}

/* F1-F12 as Linux's console sends them. */
static const char *
function_key(uint8_t code)
{
    static const char *const f[12] = {
        "\033[[A",  "\033[[B",  "\033[[C",  "\033[[D",  "\033[[E",  "\033[17~",
        "\033[18~", "\033[19~", "\033[20~", "\033[21~", "\033[23~", "\033[24~",
    };
    if (code >= SC_F1 && code < SC_F1 + 10)
        return f[code - SC_F1];
    if (code == SC_F11 || code == SC_F12)
        return f[10 + code - SC_F11];
    return NULL;
}

/* Remember a modifier going down or up; true if @p code was one. */
static bool
modifier(struct kbd_state *k, uint8_t code, bool down, bool ext)
{
    switch (code) {
    case SC_SHIFT_L:
        if (!ext) // 0xe0 0x2a: a "fake shift" some keys send; ignored
            k->shift_l = down;
        return true;
    case SC_SHIFT_R:
        k->shift_r = down;
        return true;
    case SC_CTRL:
        if (ext)
            k->ctrl_r = down;
        else
            k->ctrl_l = down;
        return true;
    case SC_ALT:
        if (ext)
            k->alt_r = down;
        else
            k->alt_l = down;
        return true;
    case SC_CAPS:
        if (down)
            k->caps = !k->caps;
        return true;
    default:
        return false;
    }
}

/* What ctrl makes of the character @p c (a letter, or @ [ \ ] ^ _ ?). */
static char
control_char(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 1);
    if (c >= '@' && c <= '_')
        return (char)(c - '@');
    if (c == ' ' || c == '2')
        return 0; // ^@
    if (c == '6')
        return 0x1e; // ^^
    if (c == '-' || c == '/')
        return 0x1f; // ^_
    if (c == '?' || c == '8')
        return 0x7f;
    return c;
}

// [kbd_key_char]
/* The character of an ordinary key under the current modifiers. */
static char
key_char(const struct kbd_state *k, uint8_t code)
{
    if (code >= 0x47 && code <= 0x53)
        return keypad[code - 0x47];
    if (code >= sizeof(plain))
        return 0;
    bool shift = k->shift_l || k->shift_r;
    char c = shift ? shifted[code] : plain[code];
    if (k->caps && plain[code] >= 'a' && plain[code] <= 'z')
        c = shift ? plain[code] : shifted[code];
    if ((k->ctrl_l || k->ctrl_r) && c != 0)
        c = control_char(plain[code] >= 'a' && plain[code] <= 'z' ? plain[code]
                                                                  : c);
    return c;
}
// [kbd_key_char]

/**
 * @brief One byte from the keyboard: the bytes it types, if any.
 * @param k    the modifier state, updated
 * @param code the scan code byte (set 1; 0xe0 prefixes)
 * @param out  at least KBD_MAX_BYTES bytes for the result
 * @return how many bytes were put in @p out: 0 for a release, a
 *         modifier, a prefix or a key with no meaning here
 */
size_t
kbd_decode(struct kbd_state *k, uint8_t code, char *out)
{
    if (code == SC_EXTENDED) {
        k->extended = true;
        return 0;
    }
    bool ext = k->extended;
    k->extended = false;
    bool down = !(code & 0x80);
    code &= 0x7f;
    if (modifier(k, code, down, ext) || !down)
        return 0;
    const char *seq = ext ? extended_key(k, code) : function_key(code);
    if (seq != NULL)
        return put(out, seq);
    if (ext)
        return 0;
    bool known = (code >= 0x47 && code <= 0x53) ||
                 (code < sizeof(plain) && plain[code] != 0);
    if (!known)
        return 0; // Num Lock, Scroll Lock, keys this layout lacks
    char c = key_char(k, code);
    size_t n = 0;
    if (k->alt_l || k->alt_r)
        out[n++] = '\033';
    out[n++] = c;
    return n;
}
