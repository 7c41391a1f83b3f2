/*
 * mmapfile: a private file mapping shows the file's bytes.
 *
 * Guards the file side of mmap (kernel/mm/mmap.c, mm_fault() in
 * kernel/mm/uvm.c): the pages of a file mapping are filled on the first
 * touch from the file, with zeros past its end (in the last page; a page
 * wholly past the end is SIGBUS on Linux and is not touched); writing to a private
 * mapping changes the copy, never the file; an offset that is not a
 * multiple of the page size is EINVAL, and a shared writable mapping of a
 * file opened read-only is EACCES. Needs open/read/close from the file
 * layer. Paths are under $ROOT on the host (see grading/oracle.py).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL

int
main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char path[512], buf[PAGE];
    const char *root = getenv("ROOT");
    snprintf(path, sizeof(path), "%s/notelf.txt", root ? root : "");
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("mmapfile: open failed\n");
        return 1;
    }
    ssize_t n = read(fd, buf, sizeof(buf));
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        printf("mmapfile: mmap failed, errno %d\n", errno);
        return 1;
    }
    printf("mmapfile: %zd bytes, mapping equals the file: %s\n", n,
           n > 0 && memcmp(p, buf, (size_t)n) == 0 ? "yes" : "no");
    printf("mmapfile: zeros past the end: %s\n",
           p[n] == 0 && p[PAGE - 1] == 0 ? "yes" : "no");
    p[0] = '#';
    char again[16] = "";
    lseek(fd, 0, SEEK_SET);
    read(fd, again, 1);
    printf("mmapfile: private write stays private: %s\n",
           again[0] == buf[0] && p[0] == '#' ? "yes" : "no");
    munmap(p, PAGE);
    void *r = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100);
    printf("mmapfile: unaligned offset: %s\n",
           r == MAP_FAILED && errno == EINVAL ? "EINVAL" : "mapped");
    r = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("mmapfile: shared writable of a read-only fd: %s\n",
           r == MAP_FAILED && errno == EACCES ? "EACCES" : "mapped");
    close(fd);
    printf("mmapfile: done\n");
    return 0;
}
