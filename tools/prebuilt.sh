# tools/prebuilt.sh -- a cache of the third-party programs built here,
# sourced by tools/busybox.sh and tools/servers.sh.
#
# BusyBox, Dropbear and curl take minutes to configure and build, and a
# checkout builds them again and again: every fresh clone, every `make
# clean`, every handout a student unpacks. Their inputs are few and
# known: the Debian source package (its version is the folder's name),
# the script that builds it (its configure options are in it), the
# configuration files it copies in, and the compilers. So a finished
# program is kept in the cache beside the source packages, under a key
# that is the SHA-256 of all of those, and a later build with the same
# key copies it instead of building. Change any input (a new source
# version, one option, a musl or gcc upgrade) and the key changes: the
# program is built again. To throw every kept program away, delete
# $CACHE/prebuilt.
#
#   prebuilt_key NAME VERSION FILE...  print NAME-<hash> for these inputs
#   prebuilt_get KEY OUT               copy the kept program to OUT, or fail
#   prebuilt_put KEY OUT               keep OUT under KEY
#
# KEEL_PREBUILT=0 turns the cache off (every build builds).

PREBUILT_DIR=${CACHE:?}/prebuilt

# The compilers' own versions: a new musl or gcc must not reuse a program
# the old one built.
prebuilt_toolchain() {
    musl-gcc -dumpfullversion 2>/dev/null || true
    dpkg-query -W -f='${Version}\n' musl-dev 2>/dev/null || true
    gcc --version 2>/dev/null | head -n 1
}

prebuilt_key() {
    local name=$1 version=$2
    shift 2
    printf '%s-%s\n' "$name" "$(
        {
            printf '%s\n' "$version"
            prebuilt_toolchain
            cat "$@"
        } | sha256sum | cut -c1-24
    )"
}

prebuilt_get() {
    local kept=$PREBUILT_DIR/$1/program
    [[ ${KEEL_PREBUILT:-1} != 0 && -x $kept ]] || return 1
    mkdir -p "$(dirname "$2")"
    cp "$kept" "$2.tmp" && mv "$2.tmp" "$2"
}

prebuilt_put() {
    [[ ${KEEL_PREBUILT:-1} != 0 ]] || return 0
    # a cache that cannot be written (read-only home) costs a rebuild later,
    # never this build
    mkdir -p "$PREBUILT_DIR/$1" 2>/dev/null &&
        cp "$2" "$PREBUILT_DIR/$1/program.tmp" 2>/dev/null &&
        mv "$PREBUILT_DIR/$1/program.tmp" "$PREBUILT_DIR/$1/program" ||
        true
}
