/**
 * @file
 * @ingroup arch
 * @brief CPUID: the processor's vendor, model and features, for /proc/cpuinfo.
 *
 * The CPUID instruction answers questions by number (the "leaf" in EAX):
 * leaf 0 gives the vendor string, leaf 1 the family, model and stepping
 * and the feature bits in EDX and ECX, leaves 0x80000002..4 the brand
 * string. Linux prints them in /proc/cpuinfo (arch/x86/kernel/cpu/proc.c);
 * the feature names here are Linux's for the bits Keel's reader is most
 * likely to look for.
 */
#include "kernel/arch.h"
#include "kernel/compiler.h"
#include "kernel/string.h"

/* Run CPUID for @p leaf; the four registers into r[0..3] (a, b, c, d). */
static void
cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ __volatile__("cpuid"
                         : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                         : "a"(leaf), "c"(0));
}

/** A feature bit and Linux's name for it. */
struct feature {
    uint8_t reg; /**< 3: EDX, 2: ECX of leaf 1 */
    uint8_t bit; /**< bit number */
    const char *name;
};

static const struct feature features[] = {
    {3, 0, "fpu"},         {3, 4, "tsc"},      {3, 5, "msr"},
    {3, 6, "pae"},         {3, 8, "cx8"},      {3, 9, "apic"},
    {3, 11, "sep"},        {3, 13, "pge"},     {3, 15, "cmov"},
    {3, 16, "pat"},        {3, 19, "clflush"}, {3, 23, "mmx"},
    {3, 24, "fxsr"},       {3, 25, "sse"},     {3, 26, "sse2"},
    {2, 0, "pni"},         {2, 9, "ssse3"},    {2, 13, "cx16"},
    {2, 19, "sse4_1"},     {2, 20, "sse4_2"},  {2, 23, "popcnt"},
    {2, 25, "aes"},        {2, 28, "avx"},     {2, 30, "rdrand"},
    {2, 31, "hypervisor"},
};

/* Append the names of the features leaf 1 reports to @p id->flags. */
static void
feature_names(const uint32_t r[4], struct cpu_identity *id)
{
    size_t len = 0;
    for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
        const struct feature *f = &features[i];
        size_t n = strlen(f->name);
        if (!(r[f->reg] & (1u << f->bit)) || len + n + 2 > sizeof(id->flags))
            continue;
        if (len > 0)
            id->flags[len++] = ' ';
        memcpy(id->flags + len, f->name, n);
        len += n;
    }
    id->flags[len] = '\0';
}

/**
 * @brief Ask the processor what it is.
 * @param id receives vendor, brand string, family/model/stepping, flags
 */
void
arch_cpu_identify(struct cpu_identity *id)
{
    uint32_t r[4];
    memset(id, 0, sizeof(*id));
    cpuid(0, r);
    memcpy(id->vendor, &r[1], 4); // the vendor string is in EBX, EDX, ECX
    memcpy(id->vendor + 4, &r[3], 4);
    memcpy(id->vendor + 8, &r[2], 4);
    cpuid(1, r);
    unsigned family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family >= 6)
        model |= ((r[0] >> 16) & 0xf) << 4;
    id->family = family;
    id->model = model;
    id->stepping = r[0] & 0xf;
    feature_names(r, id);
    cpuid(0x80000000, r);
    if (r[0] < 0x80000004)
        return;
    for (uint32_t leaf = 0; leaf < 3; leaf++) {
        cpuid(0x80000002 + leaf, r);
        memcpy(id->model_name + 16 * leaf, r, 16);
    }
    // the brand string may start with spaces
    char *s = id->model_name;
    while (*s == ' ')
        s++;
    memmove(id->model_name, s, strlen(s) + 1);
}
