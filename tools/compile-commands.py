#!/usr/bin/env python3
"""Write compile_commands.json for editors (clangd) to standard output.

Usage: compile-commands.py CC "FLAGS" SOURCE...

The Makefile knows every kernel source and the exact flags, so the database
is generated from them directly; no rebuild under an interceptor is needed.
"""

import json
import os
import shlex
import sys


def main(argv):
    """Print one entry per source file with the kernel's flags."""
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cc, flags, sources = argv[1], shlex.split(argv[2]), argv[3:]
    root = os.getcwd()
    entries = []
    for src in sources:
        args = [cc] + flags
        if src.endswith(".S"):
            args.append("-D__ASSEMBLY__")
        args += ["-c", src, "-o", "/dev/null"]
        entries.append({"directory": root, "file": src, "arguments": args})
    json.dump(entries, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
