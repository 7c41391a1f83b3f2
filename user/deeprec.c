/*
 * deeprec: a deep recursion grows the stack page by page.
 *
 * 10000 nested calls, each with a 256-byte local array, use about 3 MiB
 * of stack: hundreds of pages that exist only once touched (the stack
 * region is demand-paged, kernel/mm/uvm.c). A page mapped at the wrong
 * place, or one that comes back not zeroed or shared, changes the
 * checksum; a stack region that is too small kills the program.
 */
#include <stdio.h>

#define DEPTH 10000

/* Fill a local array, recurse, then fold the array into the result. */
static unsigned long
rec(int depth, unsigned long seed)
{
    volatile unsigned char buf[256];
    for (int i = 0; i < 256; i++)
        buf[i] = (unsigned char)(seed + i * depth);
    unsigned long sum = depth > 0 ? rec(depth - 1, seed * 31 + depth) : 1;
    for (int i = 0; i < 256; i++)
        sum = sum * 131 + buf[i];
    return sum;
}

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("recursion %d deep: checksum %016lx\n", DEPTH, rec(DEPTH, 1));
    return 0;
}
