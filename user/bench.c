/*
 * bench: lmbench-style micro-benchmarks, one line per figure.
 *
 * `make bench` (tools/bench.py) boots Keel and Linux with the same
 * initramfs and runs this same binary on both; it prints
 *
 *     bench: begin reps=5 target=0.20s
 *     null_syscall 0.52 us
 *     ...
 *     bench: end guest 2.104 s
 *
 * one line per figure as `name value unit`: latencies in microseconds per
 * operation (lower is better), bandwidths in MB/s (10^6 bytes a second,
 * higher is better), free memory (sysinfo's freeram) in MiB. The last line is the guest's own time for the whole
 * run, which the host checks against its own clock. Each figure scales
 * its own iteration count so that its repetitions take about `target`
 * seconds of guest time together, and reports the median of `reps`
 * repetitions, so one late timer interrupt or one slow first touch does
 * not move the figure.
 *
 * `bench quick` halves the time and the repetitions; `bench exit` exits
 * at once: it is the tiny static program of the fork+execve figure. TCP
 * over the loopback interface (a round trip of one byte, and 64 KiB
 * writes to a reader) needs a kernel with sockets: on one without them
 * (Keel before chapter 7) the TCP figures are left out. File bandwidth
 * on tmpfs comes later.
 *
 * `bench net=PORT` also measures TCP through the network card, to a
 * peer tools/bench.py runs on the host at 127.0.0.1:PORT, which QEMU's
 * user network shows the guest as 10.0.2.2:PORT: 64 KiB writes each way
 * and a one-byte round trip. The kernel's drivers come first: the .ko
 * files in /lib/netmods (1.ko, 2.ko, ... in order: Debian's Linux has
 * virtio-net as modules; Keel, which has it built in, answers ENOSYS),
 * then eth0 gets 10.0.2.15/24 through the interface ioctls.
 *
 * Paths are looked up under $ROOT when it is set, as user/init.c does, so
 * the program runs on the host too: ROOT=build/bench/root build/user/bench
 */
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPS 9
#define CHUNK 65536
#define FAULT_PAGES 256
#define PAGE 4096

static double target = 0.2; /* seconds of guest time per figure */
static int reps = 5;
static char self[256]; /* this program, the fork+execve target */
static char *const exec_argv[] = {"bench", "exit", NULL};
static char buf[CHUNK];

/* Seconds on the monotonic clock. */
static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
die(const char *what)
{
    printf("bench: %s failed\n", what);
    exit(1);
}

static void
op_getppid(long n)
{
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
}

static int zero_fd, null_fd;

static void
op_read_zero(long n)
{
    for (long i = 0; i < n; i++)
        if (read(zero_fd, buf, 1) != 1)
            die("read /dev/zero");
}

static void
op_write_null(long n)
{
    for (long i = 0; i < n; i++)
        if (write(null_fd, buf, 1) != 1)
            die("write /dev/null");
}

static void
op_stat(long n)
{
    struct stat st;
    for (long i = 0; i < n; i++)
        if (stat(self, &st) != 0)
            die("stat");
}

static void
op_open_close(long n)
{
    for (long i = 0; i < n; i++) {
        int fd = open(self, O_RDONLY);
        if (fd < 0)
            die("open");
        close(fd);
    }
}

/* Reap one child; it must have exited with status 0. */
static void
reap(pid_t pid)
{
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
        die("fork or wait");
}

static void
op_fork_exit(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        reap(pid);
    }
}

static void
op_fork_exec(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execve(self, exec_argv, NULL);
            _exit(127);
        }
        reap(pid);
    }
}

/* n round trips of one byte: there through one pipe, back through another.
 * Each trip is two context switches. */
static void
op_pipe_latency(long n)
{
    int there[2], back[2];
    if (pipe(there) != 0 || pipe(back) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(there[1]), close(back[0]);
        while (read(there[0], &c, 1) == 1)
            if (write(back[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    char c = 'x';
    for (long i = 0; i < n; i++)
        if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
            die("pipe round trip");
    close(there[1]);
    reap(pid);
    close(there[0]), close(back[0]), close(back[1]);
}

/* A child writes n chunks of 64 KiB; the parent reads them all. */
static void
op_pipe_bw(long n)
{
    int p[2];
    if (pipe(p) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (long i = 0; i < n; i++)
            if (write(p[1], buf, CHUNK) != CHUNK)
                _exit(1);
        _exit(0);
    }
    close(p[1]);
    long want = n * CHUNK;
    while (want > 0) {
        ssize_t got = read(p[0], buf, CHUNK);
        if (got <= 0)
            die("pipe read");
        want -= got;
    }
    close(p[0]);
    reap(pid);
}

/* n times: map FAULT_PAGES anonymous pages, touch each, unmap. */
static void
op_page_fault(long n)
{
    for (long i = 0; i < n; i++) {
        char *p = mmap(NULL, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            die("mmap");
        for (int j = 0; j < FAULT_PAGES; j++)
            p[j * PAGE] = 1;
        munmap(p, FAULT_PAGES * PAGE);
    }
}

/* TCP over 127.0.0.1: the benchmark's end and its peer, a child. */
static int tcp_fd = -1;
static pid_t tcp_child;

/* The child: echo single bytes (latency), or swallow a count of chunks
 * and answer one byte (bandwidth): a header byte says which. */
static void
tcp_peer(int fd)
{
    char hdr[9];
    for (;;) {
        if (read(fd, hdr, 1) != 1)
            _exit(0);
        if (hdr[0] == 'p') { // ping: the byte back
            if (write(fd, hdr, 1) != 1)
                _exit(1);
            continue;
        }
        long count = 0;
        for (size_t got = 0; got < sizeof(count);) {
            ssize_t r = read(fd, (char *)&count + got, sizeof(count) - got);
            if (r <= 0)
                _exit(1);
            got += (size_t)r;
        }
        for (long left = count * CHUNK; left > 0;) {
            ssize_t r = read(fd, buf, left < CHUNK ? (size_t)left : CHUNK);
            if (r <= 0)
                _exit(1);
            left -= r;
        }
        if (write(fd, "k", 1) != 1)
            _exit(1);
    }
}

/* Bring lo up (a bare Linux boots with it down), listen on 127.0.0.1,
 * fork the peer and connect to it: 0, or -1 with no sockets here. */
static int
tcp_setup(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) < 0)
        return close(s), -1;
    tcp_child = fork();
    if (tcp_child == 0) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            _exit(1);
        tcp_peer(c);
    }
    close(s);
    tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (tcp_fd < 0 || connect(tcp_fd, (struct sockaddr *)&a, sizeof(a)) < 0)
        return -1;
    int one = 1;
    setsockopt(tcp_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return 0;
}

/* Load the drivers in /lib/netmods (1.ko, 2.ko, ...), give eth0
 * 10.0.2.15/24 and connect to the host's peer at 10.0.2.2:port: 0, or -1
 * (then the figures are left out). */
static int
net_setup(int port)
{
    char path[64];
    for (int i = 1;; i++) {
        snprintf(path, sizeof(path), "/lib/netmods/%d.ko", i);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            break;
        syscall(SYS_finit_module, fd, "", 0); // Keel: ENOSYS, built in
        close(fd);
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "eth0");
    struct sockaddr_in *a = (struct sockaddr_in *)&ifr.ifr_addr;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(0x0a00020f); // 10.0.2.15
    ioctl(s, SIOCSIFADDR, &ifr);
    a->sin_addr.s_addr = htonl(0xffffff00);
    ioctl(s, SIOCSIFNETMASK, &ifr);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    struct sockaddr_in host = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(0x0a000202)};
    for (int tries = 0; tries < 50; tries++) { // the link may come up late
        tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(tcp_fd, (struct sockaddr *)&host, sizeof(host)) == 0) {
            int one = 1;
            setsockopt(tcp_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            return 0;
        }
        close(tcp_fd);
        usleep(100000);
    }
    tcp_fd = -1;
    return -1;
}

/* n chunks of CHUNK bytes from the host's peer. */
static void
op_net_rx(long n)
{
    char hdr[9] = {'r'};
    memcpy(hdr + 1, &n, sizeof(n));
    if (write(tcp_fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
        die("net header");
    for (long left = n * CHUNK; left > 0;) {
        ssize_t r = read(tcp_fd, buf, left < CHUNK ? (size_t)left : CHUNK);
        if (r <= 0)
            die("net read");
        left -= r;
    }
}

/* n round trips of one byte. */
static void
op_tcp_latency(long n)
{
    for (long i = 0; i < n; i++)
        if (write(tcp_fd, "p", 1) != 1 || read(tcp_fd, buf, 1) != 1)
            die("tcp ping");
}

/* n chunks of CHUNK bytes to the peer, until it has read them all. */
static void
op_tcp_bw(long n)
{
    char hdr[9] = {'b'};
    memcpy(hdr + 1, &n, sizeof(n));
    if (write(tcp_fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
        die("tcp header");
    for (long i = 0; i < n; i++)
        for (size_t off = 0; off < CHUNK;) {
            ssize_t w = write(tcp_fd, buf + off, CHUNK - off);
            if (w <= 0)
                die("tcp write");
            off += (size_t)w;
        }
    if (read(tcp_fd, hdr, 1) != 1)
        die("tcp ack");
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Seconds per call of op(n) / n, the median of reps runs. The count n
 * doubles until one run takes a tenth of a repetition's share, then is
 * scaled to fill the share. */
static double
measure(void (*op)(long), long *count)
{
    double share = target / reps, t;
    long n = 1;
    while ((t = now(), op(n), t = now() - t) < share / 10 && n < (1L << 40))
        n *= 2;
    if (t > 0 && t < share)
        n = (long)((double)n * share / t) + 1;
    double per[MAX_REPS];
    for (int r = 0; r < reps; r++) {
        t = now();
        op(n);
        per[r] = (now() - t) / (double)n;
    }
    qsort(per, (size_t)reps, sizeof(per[0]), cmp_double);
    *count = n;
    return per[reps / 2];
}

/* One figure: latency in microseconds per unit (scale = units per call). */
static void
latency(const char *name, void (*op)(long), double units)
{
    long n;
    double sec = measure(op, &n);
    printf("%s %.3f us\n", name, sec * 1e6 / units);
}

static void
bandwidth(const char *name, void (*op)(long), double bytes)
{
    long n;
    double sec = measure(op, &n);
    printf("%s %.1f MB/s\n", name, bytes / sec / 1e6);
}

int
main(int argc, char *argv[])
{
    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        _exit(0);
    int net_port = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "quick") == 0)
            target = 0.1, reps = 3;
        else if (strncmp(argv[i], "net=", 4) == 0)
            net_port = atoi(argv[i] + 4);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *root = getenv("ROOT");
    snprintf(self, sizeof(self), "%s/bin/bench", root ? root : "");
    zero_fd = open("/dev/zero", O_RDONLY);
    null_fd = open("/dev/null", O_WRONLY);
    if (zero_fd < 0 || null_fd < 0)
        die("open /dev/zero or /dev/null");
    printf("bench: begin reps=%d target=%.2fs\n", reps, target);
    double start = now();
    // memory left for programs at the start: QEMU's -m less everything the
    // kernel (and the initramfs, init and this program) took
    struct sysinfo si;
    if (sysinfo(&si) == 0)
        printf("mem_free %.1f MiB\n",
               (double)si.freeram * si.mem_unit / (1024.0 * 1024.0));
    latency("null_syscall", op_getppid, 1);
    latency("read_zero", op_read_zero, 1);
    latency("write_null", op_write_null, 1);
    latency("stat", op_stat, 1);
    latency("open_close", op_open_close, 1);
    latency("fork_exit", op_fork_exit, 1);
    latency("fork_exec", op_fork_exec, 1);
    latency("pipe_latency", op_pipe_latency, 1);
    bandwidth("pipe_bw", op_pipe_bw, CHUNK);
    latency("page_fault", op_page_fault, FAULT_PAGES);
    if (tcp_setup() == 0) {
        latency("tcp_latency", op_tcp_latency, 1);
        bandwidth("tcp_bw", op_tcp_bw, CHUNK);
        close(tcp_fd);
        reap(tcp_child);
    }
    if (net_port > 0 && net_setup(net_port) == 0) {
        latency("net_latency", op_tcp_latency, 1);
        bandwidth("net_tx", op_tcp_bw, CHUNK);
        bandwidth("net_rx", op_net_rx, CHUNK);
        close(tcp_fd);
    }
    // the guest's own time for the run: tools/bench.py compares it with
    // the host's, a check of the guest clock
    printf("bench: end guest %.3f s\n", now() - start);
    return 0;
}
