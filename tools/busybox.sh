#!/usr/bin/env bash
#
# tools/busybox.sh -- build BusyBox and lay it out in a root file system.
#
#   tools/busybox.sh build OUT CONFIG   build OUT (build/busybox/busybox)
#   tools/busybox.sh rootfs STAGE       add BusyBox to the staged initramfs
#
# build: BusyBox from Debian's source package (BUSYBOX_SRC, fetched by
# tools/deps.sh), linked static against musl, built out of tree in the
# folder of OUT from the configuration CONFIG (user/busybox/busybox.config).
# musl-gcc does not see the Linux kernel headers; MUSL_INCLUDE (links made
# by deps.sh) adds them. When the source version changes, the folder is
# emptied first so no object of the old version survives. The compiler's
# output is kept in OUT's folder, build.log, and shown only on failure.
# The Makefile calls this only when CONFIG or the source version changed
# (build/busybox/.source-<version> records the version).
#
# rootfs: what a chapter with ROOTFS_BUSYBOX := 1 adds to its initramfs:
# /bin/busybox (musl) with a symbolic link to it for every applet at its
# install path, as `busybox --install -s` makes them; /bin/busybox.glibc
# (Debian's busybox-static, BUSYBOX_GLIBC); the files of
# user/busybox/rootfs/ (/etc and the acceptance test's /test).
#
# BUSYBOX_SRC, BUSYBOX_GLIBC and MUSL_INCLUDE come from the environment
# (make passes them on) or else from $KEEL_CACHE/deps.env; when they are
# missing, tools/deps.sh runs first, as `make deps` would.

set -euo pipefail

CACHE=${KEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keel}
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOTFS_FILES=$REPO/user/busybox/rootfs
# shellcheck source=tools/prebuilt.sh
source "$REPO/tools/prebuilt.sh"
# the install folders of applets; others (/linuxrc) are left out
APPLET_DIRS='^(bin|sbin|usr/bin|usr/sbin)/[^/]+$'

die() {
    printf 'busybox: error: %s\n' "$*" >&2
    exit 1
}

# Print the value of KEY in deps.env (empty when absent).
deps_env() {
    [[ -r $CACHE/deps.env ]] || return 0
    sed -n "s/^$1=//p" "$CACHE/deps.env" | tail -n 1
}

# Set BUSYBOX_SRC, BUSYBOX_GLIBC and MUSL_INCLUDE: from the environment,
# else deps.env, running tools/deps.sh when something is still missing.
load_deps() {
    local pass
    for pass in 1 2; do
        BUSYBOX_SRC=${BUSYBOX_SRC:-$(deps_env BUSYBOX_SRC)}
        BUSYBOX_GLIBC=${BUSYBOX_GLIBC:-$(deps_env BUSYBOX_GLIBC)}
        MUSL_INCLUDE=${MUSL_INCLUDE:-$(deps_env MUSL_INCLUDE)}
        if [[ -f $BUSYBOX_SRC/Makefile && -x $BUSYBOX_GLIBC &&
            -d $MUSL_INCLUDE/linux ]]; then
            return 0
        fi
        ((pass == 1)) || break
        bash "$REPO/tools/deps.sh" >&2
    done
    die "BusyBox source or busybox-static missing after tools/deps.sh"
}

# build OUT CONFIG: configure and compile BusyBox into OUT.
build() {
    local out=$1 config=$2 dir log jobs version key
    load_deps
    dir=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)
    version=$(basename "$(realpath "$BUSYBOX_SRC")")
    key=$(prebuilt_key busybox "$version" "$REPO/tools/busybox.sh" "$config")
    if prebuilt_get "$key" "$dir/busybox.kept"; then
        echo "  BUSYBOX the same build as before, kept in the cache ($key)"
        mv "$dir/busybox.kept" "$out"
        rm -f "$dir"/.source-*
        touch "$dir/.source-$version"
        touch "$out"
        return 0
    fi
    # a build of another version: start from an empty folder
    if [[ -f $dir/.keel-source && $(<"$dir/.keel-source") != "$version" ]]; then
        find "$dir" -mindepth 1 -delete
    fi
    echo "  BUSYBOX $out (about a minute)"
    printf '%s\n' "$version" >"$dir/.keel-source"
    cp "$config" "$dir/.config"
    log=$dir/build.log
    jobs=$(nproc 2>/dev/null || echo 1)
    # oldconfig reads no answers: the configuration is complete; a symbol
    # it lacks (another BusyBox version) takes its default
    if ! { make -C "$BUSYBOX_SRC" O="$dir" oldconfig </dev/null &&
        make -C "$BUSYBOX_SRC" O="$dir" -j"$jobs" CC=musl-gcc \
            CONFIG_EXTRA_CFLAGS="-isystem $MUSL_INCLUDE"; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "BusyBox build failed; the whole log is $log"
    fi
    [[ $(realpath "$dir/busybox") == $(realpath -m "$out") ]] ||
        cp "$dir/busybox" "$out"
    prebuilt_put "$key" "$out"
    rm -f "$dir"/.source-*
    touch "$dir/.source-$version"
    touch "$out"
}

# make_links BUSYBOX DIR TARGET: under DIR, a link to TARGET for every
# applet of BUSYBOX at its install path; a file already there stays.
make_links() {
    local busybox=$1 dir=$2 target=$3 path
    mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin"
    "$busybox" --list-full | grep -E "$APPLET_DIRS" | while read -r path; do
        [[ -e $dir/$path || -L $dir/$path ]] || ln -s "$target" "$dir/$path"
    done
}

# rootfs STAGE: add BusyBox and its files to the staged initramfs.
rootfs() {
    local stage=$1 busybox=$REPO/build/busybox/busybox
    load_deps
    [[ -x $busybox ]] || die "$busybox is not built (make busybox)"
    # -n: what the stage has already (ROOTFS_EXTRA, user programs) wins
    cp -an "$ROOTFS_FILES"/. "$stage"/
    cp -n "$busybox" "$stage/bin/busybox"
    cp -n "$BUSYBOX_GLIBC" "$stage/bin/busybox.glibc"
    chmod 755 "$stage/bin/busybox" "$stage/bin/busybox.glibc"
    # started as init by the busybox-init group, whatever the checkout's modes
    chmod 755 "$stage/test/init.sh"
    make_links "$busybox" "$stage" /bin/busybox
}

case ${1:-} in
build)
    (($# == 3)) || die "usage: $0 build OUT CONFIG"
    build "$2" "$3"
    ;;
rootfs)
    (($# == 2)) || die "usage: $0 rootfs STAGE"
    rootfs "$2"
    ;;
*)
    die "usage: $0 build OUT CONFIG | rootfs STAGE"
    ;;
esac
