"""newc cpio archives, the format of Linux's (and Keel's) initramfs.

Written here so that tests and tools need no `cpio` program and no root
for device nodes: the grader's one-file archives (chapter 3), the bench
initramfs (tools/bench.py) and the /dev nodes appended for Linux
(grading/linux_busybox.py).

A newc entry is the magic "070701", thirteen 8-digit hex fields (inode,
mode, uid, gid, nlink, mtime, file size, dev major/minor, rdev
major/minor, name size, check), the name with its NUL, padding to 4
bytes, the data, padding to 4 bytes. The archive ends with an entry named
TRAILER!!!.

Python 3 standard library only.
"""


def entry(name, mode, data=b"", rdev=(0, 0), ino=0):
    """One newc entry (bytes): a file, folder or device node `name`."""
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_b), 0]
    out = b"070701" + b"".join(b"%08x" % f for f in fields) + name_b
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)


def newc(entries, first_ino=1):
    """An archive (bytes) of (name, mode, data, (major, minor)) entries,
    numbered from inode first_ino, then the trailer."""
    out = b"".join(entry(name, mode, data, rdev, ino) for ino, (
        name, mode, data, rdev) in enumerate(entries, first_ino))
    return out + entry("TRAILER!!!", 0)


def files(contents):
    """An archive of regular files (mode 0644) from {name: bytes}, in
    name order."""
    return newc([(name, 0o100644, data, (0, 0))
                 for name, data in sorted(contents.items())])
