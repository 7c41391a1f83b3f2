"""Keel's per-user cache folder and what tools/deps.sh left in it.

Why one place: `make deps` (tools/deps.sh) downloads the toolchain pieces
and Debian's Linux kernel into one folder and writes their paths into
deps.env there; the KVM probe keeps its verdict beside them. The folder is
$KEEL_CACHE, or $XDG_CACHE_HOME/keel, or ~/.cache/keel, the same rule as
deps.sh and the Makefile (which spell it in shell and make).

Python 3 standard library only.
"""

import os
from pathlib import Path


def cache_dir():
    """The cache folder (a Path; it may not exist yet)."""
    if os.environ.get("KEEL_CACHE"):
        return Path(os.environ["KEEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "keel"


def deps_env():
    """deps.env of the cache as a dict (BUSYBOX_SRC, LINUX_VMLINUZ, ...);
    empty when `make deps` has not run."""
    env = {}
    path = cache_dir() / "deps.env"
    for line in path.read_text().splitlines() if path.is_file() else []:
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = v
    return env


def vmlinuz(who):
    """The path of Debian's Linux kernel, the reference of DESIGN.md
    (LINUX_VMLINUZ in deps.env, unpacked by `tools/deps.sh --linux`).

    Exits naming `who` (the calling tool) and the fix when it is missing.
    """
    path = deps_env().get("LINUX_VMLINUZ", "").strip()
    if path and Path(path).is_file():
        return path
    raise SystemExit("%s: no reference kernel: run tools/deps.sh --linux"
                     % who)
