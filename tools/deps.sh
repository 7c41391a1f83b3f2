#!/usr/bin/env bash
#
# tools/deps.sh -- install and fetch everything Keel needs (`make deps`).
#
# Keel is built from packaged parts only (DESIGN.md section 7). This script
# gets them onto a Debian or Ubuntu machine and can be run any number of
# times: each step first checks whether its result is already there.
#
#  1. Debian packages (compilers, QEMU, GRUB, musl, Doxygen, ...). Only the
#     missing ones are installed, with sudo when we are not root.
#  2. Version checks: QEMU >= 5.0, GCC >= 10, GRUB 2 with its i386-pc
#     modules (grub-mkrescue builds the boot ISO from them).
#  3. A folder of links that lets musl-gcc see the Linux kernel headers.
#  4. The Debian source packages of lwIP, BusyBox, Dropbear (the ssh server
#     of chapter 7), curl and nginx (chapter 7's epoll web server), fetched
#     and unpacked
#     with `apt-get source`. The system's apt configuration is never
#     touched: the script keeps a private one in the cache (its own sources
#     list with deb and deb-src lines, its own package lists and caches).
#     Proxy and similar settings from the system's apt.conf.d still apply.
#  5. Debian's busybox-static (a static glibc BusyBox for the initramfs),
#     downloaded with `apt-get download` through the same private
#     configuration and unpacked, not installed: the package would replace
#     the system's busybox.
#  6. With --linux, the Debian kernel image (for `make bench`), downloaded
#     through the same private configuration and unpacked, not installed.
#  7. With --stress, Debian's stress-ng and the shared libraries it needs
#     (for `make stress`), downloaded and unpacked the same way. The
#     source package's files are missing from the archive, so this is the
#     binary package: dynamically linked against glibc, which Keel runs
#     through glibc's own loader.
#
# Everything fetched lives in the cache folder, so deleting it is always
# safe; the next run fetches it again:
#
#   $KEEL_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/keel)
#     deps.env                  LWIP_SRC=..., BUSYBOX_SRC=..., DROPBEAR_SRC=...,
#                               CURL_SRC=..., NGINX_SRC=..., read by make
#     musl-include/             linux, asm, asm-generic -> /usr/include/...
#     apt/etc/sources.list      private sources list
#     apt/etc/apt.conf          private apt configuration (apt-get -c)
#     apt/state/lists/          private package lists, refreshed daily
#     apt/cache/                private apt caches
#     src/<pkg>-<version>/      unpacked source, complete once .keel-complete
#     src/<pkg> -> <pkg>-<version>
#     busybox-static/<version>/ unpacked busybox-static (bin/busybox)
#     busybox-static/current -> <version>
#     linux/<abi>/              unpacked linux-image-<abi>-amd64 (--linux)
#     linux/current -> <abi>
#     stress-ng/<version>/      stress-ng and its libraries, unpacked (--stress)
#     stress-ng/current -> <version>
#
# Usage: tools/deps.sh [--check] [--no-sources] [--linux] [--stress]
#                      [-h|--help]

set -euo pipefail

PACKAGES=(
    gcc binutils make
    qemu-system-x86
    grub-pc-bin grub-common xorriso mtools
    musl-tools linux-libc-dev
    libc6-dev # glibc's static libc.a, for the glibc builds of user/ programs
    doxygen graphviz
    unifdef cpio python3
    clang-format cppcheck bear
    dpkg-dev # apt-get source unpacks with dpkg-source
    ca-certificates
    debian-archive-keyring # verifies the private sources list
    openssh-client         # ssh and scp: the host's side of chapter 7's ssh tests
)
SOURCE_PACKAGES=(lwip busybox dropbear curl nginx)
# stress-ng and the packages of every library its program and those
# libraries name (DT_NEEDED), on Debian 12; tools/stress.py checks that
# the list is complete and names any library still missing
STRESS_PACKAGES=(
    stress-ng libc6 libgcc-s1 libapparmor1 libbsd0 libmd0 libcrypt1
    libegl1 libglvnd0 libgles2 libgbm1 libdrm2 libwayland-server0
    libexpat1 libffi8 libipsec-mb1 libjpeg62-turbo libjudydebian1 libkmod2
    liblzma5 libzstd1 libssl3 libsctp1 libxxhash0 zlib1g
)
DEFAULT_MIRROR=http://deb.debian.org/debian
DEFAULT_CODENAME=bookworm
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
GRUB_PC_DIR=/usr/lib/grub/i386-pc
LISTS_MAX_AGE_MIN=1440

CACHE=${KEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keel}
APT_DIR=$CACHE/apt
APT_CONF=$APT_DIR/etc/apt.conf

export DEBIAN_FRONTEND=noninteractive

opt_check=0
opt_sources=1
opt_linux=0
opt_stress=0
missing=0

# Print a progress line.
say() {
    printf 'deps: %s\n' "$*"
}

# Print a warning on stderr.
warn() {
    printf 'deps: warning: %s\n' "$*" >&2
}

# Print an error on stderr and stop.
die() {
    printf 'deps: error: %s\n' "$*" >&2
    exit 1
}

# Print the usage text.
usage() {
    cat <<EOF
usage: tools/deps.sh [--check] [--no-sources] [--linux] [--stress] [-h|--help]

Install the Debian packages Keel needs and fetch the lwIP, BusyBox,
Dropbear, curl and nginx source packages and Debian's static BusyBox into the
cache ($CACHE).

  --check       only report what is missing; exit 1 if anything is.
                Installs nothing and does not use the network.
  --no-sources  skip the source packages (lwip, busybox, dropbear, curl, nginx)
                and busybox-static
  --linux       also fetch and unpack the Debian kernel (for make bench)
  --stress      also fetch and unpack stress-ng and its libraries (for
                make stress)
  --graphic     also install QEMU's window (qemu-system-gui), for
                `make run GRAPHIC=1`
  -h, --help    show this text

The cache folder can be changed with KEEL_CACHE and deleted at any time.
EOF
}

# Read the command line into the opt_* variables.
parse_args() {
    while (($# > 0)); do
        case $1 in
        --check) opt_check=1 ;;
        --no-sources) opt_sources=0 ;;
        --linux) opt_linux=1 ;;
        --stress) opt_stress=1 ;;
        --graphic) PACKAGES+=(qemu-system-gui) ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            printf 'deps: unknown option %s\n' "$1" >&2
            usage >&2
            exit 2
            ;;
        esac
        shift
    done
}

# Remove the temporary folders of this run (on exit; we hold the lock).
cleanup() {
    rm -rf "$CACHE/tmp"
}

# Make a temporary folder inside the cache (same file system, so mv is
# cheap) and print its path; cleanup removes it.
make_tmp() {
    mkdir -p "$CACHE/tmp"
    mktemp -d "$CACHE/tmp/XXXXXX"
}

# Run a command with its output kept in a log; show the log only on failure.
quietly() {
    local log status=0
    log=$(mktemp)
    "$@" >"$log" 2>&1 || status=$?
    if ((status != 0)); then
        cat "$log" >&2
    fi
    rm -f "$log"
    return "$status"
}

# True when "$1" >= "$2" as dotted version numbers.
version_ge() {
    [[ $(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1) == "$2" ]]
}

# On a system without apt and dpkg, say what is needed and stop.
require_debian() {
    if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
        return 0
    fi
    cat >&2 <<EOF
deps: error: this script installs packages with apt-get and dpkg, which this
system does not have. Install these by hand with your package manager:

  gcc (>= 10), binutils, make          the kernel and tools
  qemu-system-x86_64 (>= 5.0)          running and testing
  grub-mkrescue (GRUB 2, i386-pc),     the bootable ISO
    xorriso, mtools
  musl-gcc, Linux kernel headers       user programs
  glibc's static library (libc.a)      glibc builds of user programs
  doxygen, graphviz (dot)              the book
  unifdef, cpio, python3               snapshots, initramfs, grading
  clang-format, cppcheck, bear         make check
  ssh, scp (OpenSSH's client)          chapter 7's ssh tests
  a static glibc busybox               BUSYBOX_GLIBC=... (Debian's
                                       busybox-static)

and unpack the Debian source packages lwip, busybox, dropbear, curl and
nginx somewhere; then pass LWIP_SRC=... BUSYBOX_SRC=... DROPBEAR_SRC=...
CURL_SRC=... NGINX_SRC=... BUSYBOX_GLIBC=... to make.
EOF
    exit 1
}

# True when Debian package $1 is installed (for any architecture).
is_installed() {
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
        grep -qx 'install ok installed'
}

# Print the names of the packages in PACKAGES that are not installed.
missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        is_installed "$pkg" || printf '%s\n' "$pkg"
    done
}

# Install the missing packages; with sudo when not root. Without sudo, say
# which command to run as root and stop.
install_packages() {
    local todo sudo=()
    mapfile -t todo < <(missing_packages)
    if ((${#todo[@]} == 0)); then
        say "ok (all packages present)"
        return 0
    fi
    if ((EUID != 0)); then
        if ! command -v sudo >/dev/null; then
            printf 'deps: error: missing packages and no sudo; as root run:\n' >&2
            printf '  apt-get update && apt-get install -y --no-install-recommends %s\n' \
                "${todo[*]}" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    say "updating the system package lists (apt-get update)"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update
    say "installing ${todo[*]} ..."
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 \
        "${todo[@]}"
    mapfile -t todo < <(missing_packages)
    ((${#todo[@]} == 0)) || die "still missing after install: ${todo[*]}"
    say "ok (packages installed)"
}

# Report a failed check: fatal when installing, counted with --check.
check_failed() {
    if ((opt_check)); then
        say "$*"
        missing=1
    else
        die "$*"
    fi
}

# Check QEMU >= 5.0, GCC >= 10 and GRUB 2 with its i386-pc modules.
check_versions() {
    local v
    if ! command -v qemu-system-x86_64 >/dev/null; then
        check_failed "qemu-system-x86_64 not found (package qemu-system-x86)"
    else
        v=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9.]*\).*/\1/p')
        version_ge "${v:-0}" 5.0 ||
            check_failed "qemu-system-x86_64 is ${v:-unknown}; Keel needs >= 5.0"
    fi
    if ! command -v gcc >/dev/null; then
        check_failed "gcc not found (package gcc)"
    else
        v=$(gcc -dumpfullversion -dumpversion)
        version_ge "$v" 10 || check_failed "gcc is $v; Keel needs >= 10"
    fi
    if ! command -v grub-mkrescue >/dev/null; then
        check_failed "grub-mkrescue not found (packages grub-common, grub-pc-bin)"
    else
        v=$(grub-mkrescue --version | sed -n '1s/.*(GRUB) \([0-9.]*\).*/\1/p')
        version_ge "${v:-0}" 2.0 ||
            check_failed "grub-mkrescue is GRUB ${v:-unknown}; Keel needs GRUB 2"
    fi
    [[ -f $GRUB_PC_DIR/normal.mod ]] ||
        check_failed "no GRUB i386-pc modules in $GRUB_PC_DIR (package grub-pc-bin)"
}

# Make $CACHE/musl-include/ with links to the kernel headers musl-gcc lacks.
make_musl_include() {
    local dir=$CACHE/musl-include
    mkdir -p "$dir"
    ln -sfn /usr/include/linux "$dir/linux"
    ln -sfn /usr/include/x86_64-linux-gnu/asm "$dir/asm"
    ln -sfn /usr/include/asm-generic "$dir/asm-generic"
    say "ok (musl kernel headers: $dir)"
}

# True when the musl-include links all resolve.
musl_include_ok() {
    local name
    for name in linux asm asm-generic; do
        [[ -d $CACHE/musl-include/$name ]] || return 1
    done
}

# Print field $1 of /etc/os-release (empty when absent).
os_release() {
    [[ -r /etc/os-release ]] || return 0
    # shellcheck source=/dev/null
    (. /etc/os-release && printf '%s\n' "${!1:-}")
}

# Print the release codename whose sources we fetch (Debian's own on
# Debian, bookworm elsewhere, e.g. on Ubuntu).
host_codename() {
    local codename
    codename=$(os_release VERSION_CODENAME)
    if [[ $(os_release ID) == debian && -n $codename ]]; then
        printf '%s\n' "$codename"
    else
        printf '%s\n' "$DEFAULT_CODENAME"
    fi
}

# Print the first http(s) URI the system's apt sources use for suite $1,
# from deb822 (.sources) and one-line (.list) files; nothing if none.
system_mirror() {
    local suite=$1 f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r $f ]] || continue
        awk -v suite="$suite" '
            function flush() {
                if (uri ~ /^https?:\/\// && on && (" " suites " ") ~ (" " suite " ")) {
                    print uri
                    exit
                }
                uri = ""; suites = ""; on = 1
            }
            BEGIN { on = 1 }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { $1 = ""; suites = $0 }
            tolower($1) == "enabled:" { on = (tolower($2) != "no") }
            END { flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r $f ]] || continue
        awk -v suite="$suite" '
            /^[ \t]*deb(-src)?[ \t]/ {
                sub(/\[[^]]*\]/, "")
                if ($2 ~ /^https?:\/\// && $3 == suite) {
                    print $2
                    exit
                }
            }
        ' "$f"
    done
}

# Print the mirror for the private sources list: the system's own Debian
# mirror when there is one (it may be the only one reachable), else
# deb.debian.org.
pick_mirror() {
    local codename=$1 uri=""
    if [[ $(os_release ID) == debian ]]; then
        uri=$(system_mirror "$codename" | head -n 1)
    fi
    uri=${uri:-$DEFAULT_MIRROR}
    printf '%s\n' "${uri%/}"
}

# Write the private apt tree: sources list and apt.conf. A changed sources
# list makes the package lists stale.
setup_private_apt() {
    local codename mirror list=$APT_DIR/etc/sources.list new suite
    codename=$(host_codename)
    mirror=$(pick_mirror "$codename")
    mkdir -p "$APT_DIR/etc" "$APT_DIR/state/lists/partial" \
        "$APT_DIR/cache/archives/partial"
    [[ -r $KEYRING ]] || die "$KEYRING missing (package debian-archive-keyring)"

    new=$(make_tmp)/sources.list
    {
        echo "# Private sources list of tools/deps.sh; rewritten on every run."
        for suite in "$codename" "$codename-updates"; do
            echo "deb-src [signed-by=$KEYRING] $mirror $suite main"
            echo "deb [arch=amd64 signed-by=$KEYRING] $mirror $suite main"
        done
    } >"$new"
    if ! cmp -s "$new" "$list"; then
        mv "$new" "$list"
        rm -f "$APT_DIR/state/updated"
    fi

    {
        echo "// Private apt configuration of tools/deps.sh; rewritten on every run."
        echo "Dir::Etc::SourceList \"$list\";"
        echo "Dir::Etc::SourceParts \"/dev/null\";"
        echo "Dir::Etc::Preferences \"/dev/null\";"
        echo "Dir::Etc::PreferencesParts \"/dev/null\";"
        echo "Dir::State \"$APT_DIR/state\";"
        echo "Dir::State::status \"/var/lib/dpkg/status\";"
        echo "Dir::Cache \"$APT_DIR/cache\";"
        echo "Dir::Cache::pkgcache \"pkgcache.bin\";"
        echo "Dir::Cache::srcpkgcache \"srcpkgcache.bin\";"
        echo "Acquire::Languages \"none\";"
        # As root apt downloads as user _apt, who cannot write into $HOME.
        if ((EUID == 0)); then
            echo "APT::Sandbox::User \"root\";"
        fi
    } >"$APT_CONF"
    say "private apt: $mirror $codename $codename-updates ($APT_DIR)"
}

# Run apt-get with the private configuration.
apt_private() {
    apt-get -c "$APT_CONF" "$@"
}

# Run apt-cache with the private configuration.
apt_cache_private() {
    apt-cache -c "$APT_CONF" "$@"
}

# Refresh the private package lists when they are missing or older than a
# day. A failed refresh with old lists present is only a warning.
refresh_lists() {
    local stamp=$APT_DIR/state/updated
    if [[ -f $stamp && -n $(find "$stamp" -mmin -"$LISTS_MAX_AGE_MIN") ]]; then
        say "private package lists are fresh"
        return 0
    fi
    say "updating the private package lists ..."
    if quietly apt_private -q update; then
        touch "$stamp"
    elif [[ -f $stamp ]]; then
        warn "could not update the private package lists; using the old ones"
    else
        warn "could not update the private package lists"
    fi
}

# Print the newest version of source package $1 in the private lists.
source_version() {
    local pkg=$1 best="" v
    while read -r v; do
        if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then
            best=$v
        fi
    done < <(apt_cache_private showsrc --only-source "$pkg" 2>/dev/null |
        awk -v pkg="$pkg" '
            /^Package: / { p = $2 }
            /^Version: / && p == pkg { print $2 }
        ')
    [[ -n $best ]] && printf '%s\n' "$best"
}

# True when $1 is (or links to) a completely unpacked tree.
is_complete() {
    [[ -f $1/.keel-complete ]]
}

# Fetch source package $1 into $CACHE/src/<pkg>-<version>/ (unless it is
# already complete there) and point $CACHE/src/<pkg> at it.
fetch_source() {
    local pkg=$1 version dir tmp trees
    version=$(source_version "$pkg") || version=""
    if [[ -z $version ]]; then
        if is_complete "$CACHE/src/$pkg"; then
            warn "$pkg: not in the package lists; keeping $(readlink "$CACHE/src/$pkg")"
            return 0
        fi
        die "source package $pkg not found (see $APT_DIR/etc/sources.list)"
    fi
    # An epoch ("1:") would put a colon into paths, which make dislikes.
    dir=$CACHE/src/$pkg-${version#*:}
    if is_complete "$dir"; then
        say "source $pkg $version: present"
    else
        say "fetching source $pkg $version ..."
        tmp=$(make_tmp)
        (cd "$tmp" && quietly apt_private -q source --only-source "$pkg=$version") ||
            die "apt-get source $pkg=$version failed"
        mapfile -t trees < <(find "$tmp" -mindepth 1 -maxdepth 1 -type d)
        ((${#trees[@]} == 1)) || die "apt-get source $pkg: expected one unpacked folder"
        rm -rf "$dir"
        mkdir -p "$CACHE/src"
        mv "${trees[0]}" "$dir"
        printf '%s\n' "$version" >"$dir/.keel-complete"
        rm -rf "$tmp"
    fi
    ln -sfn "${dir##*/}" "$CACHE/src/$pkg"
    say "source $pkg: $dir"
}

# Download packages PKG... (the private lists' versions) and unpack them
# all into DIR, replacing it, marked complete with VERSION. NEED, a path
# inside DIR, must be there afterwards ("" for no such check).
unpack_debs() {
    local dir=$1 version=$2 need=$3 tmp debs deb
    shift 3
    tmp=$(make_tmp)
    (cd "$tmp" && quietly apt_private -q download "$@") ||
        die "apt-get download $* failed"
    mapfile -t debs < <(find "$tmp" -maxdepth 1 -name '*.deb')
    ((${#debs[@]} == $#)) || die "apt-get download $*: expected $# .deb files"
    for deb in "${debs[@]}"; do
        dpkg-deb -x "$deb" "$tmp/root"
    done
    [[ -z $need || -e $tmp/root/$need ]] || die "$1: no $need in the package"
    printf '%s\n' "$version" >"$tmp/root/.keel-complete"
    rm -rf "$dir"
    mkdir -p "${dir%/*}"
    mv "$tmp/root" "$dir"
    rm -rf "$tmp"
}

# Download Debian's busybox-static (a static glibc binary) and unpack it
# into $CACHE/busybox-static/<version>/ (not installed: it conflicts with
# the busybox package); point $CACHE/busybox-static/current at it.
fetch_busybox_glibc() {
    local pkg=busybox-static version dir
    version=$(apt_cache_private show --no-all-versions "$pkg" 2>/dev/null |
        sed -n 's/^Version: //p' | head -n 1) || version=""
    if [[ -z $version ]]; then
        if is_complete "$CACHE/$pkg/current"; then
            warn "$pkg: not in the package lists; keeping $(readlink "$CACHE/$pkg/current")"
            return 0
        fi
        die "$pkg not found in the private package lists"
    fi
    dir=$CACHE/$pkg/${version#*:}
    if is_complete "$dir"; then
        say "$pkg $version: present"
    else
        say "fetching $pkg $version ..."
        unpack_debs "$dir" "$version" bin/busybox "$pkg=$version"
    fi
    ln -sfn "${dir##*/}" "$CACHE/$pkg/current"
    say "$pkg: $CACHE/$pkg/current/bin/busybox"
}

# Download the kernel that linux-image-amd64 depends on and unpack it into
# $CACHE/linux/<abi>/ (not installed); point $CACHE/linux/current at it.
fetch_linux() {
    local dep abi version dir
    dep=$(apt_cache_private show --no-all-versions linux-image-amd64 2>/dev/null |
        sed -n 's/^Depends: //p' | grep -o 'linux-image-[^ ,]*-amd64' | head -n 1) ||
        die "linux-image-amd64 not found in the private package lists"
    abi=${dep#linux-image-}
    abi=${abi%-amd64}
    version=$(apt_cache_private show --no-all-versions "$dep" |
        sed -n 's/^Version: //p' | head -n 1)
    dir=$CACHE/linux/$abi
    if is_complete "$dir" && [[ $(<"$dir/.keel-complete") == "$version" ]]; then
        say "kernel $dep $version: present"
    else
        say "fetching kernel $dep $version ..."
        unpack_debs "$dir" "$version" "" "$dep=$version"
    fi
    ln -sfn "$abi" "$CACHE/linux/current"
    say "kernel: $CACHE/linux/current/boot/vmlinuz-$abi-amd64"
}

# Download stress-ng and STRESS_PACKAGES (the versions the package lists
# name) and unpack them all into one folder, $CACHE/stress-ng/<version>/
# (not installed); point $CACHE/stress-ng/current at it.
fetch_stress() {
    local version dir
    version=$(apt_cache_private show --no-all-versions stress-ng 2>/dev/null |
        sed -n 's/^Version: //p' | head -n 1) ||
        die "stress-ng not found in the private package lists"
    dir=$CACHE/stress-ng/${version#*:}
    if is_complete "$dir"; then
        say "stress-ng $version: present"
    else
        say "fetching stress-ng $version and ${#STRESS_PACKAGES[@]} packages of its libraries ..."
        unpack_debs "$dir" "$version" usr/bin/stress-ng "${STRESS_PACKAGES[@]}"
    fi
    ln -sfn "${dir##*/}" "$CACHE/stress-ng/current"
    say "stress-ng: $CACHE/stress-ng/current/usr/bin/stress-ng"
}

# Write $CACHE/deps.env (make syntax) for what the cache holds now.
write_env() {
    local tmp vmlinuz
    tmp=$(make_tmp)/deps.env
    {
        echo "# Written by tools/deps.sh; safe to delete (make deps rewrites it)."
        echo "KEEL_CACHE=$CACHE"
        echo "MUSL_INCLUDE=$CACHE/musl-include"
        if is_complete "$CACHE/src/lwip"; then
            echo "LWIP_SRC=$(realpath "$CACHE/src/lwip")"
        fi
        if is_complete "$CACHE/src/busybox"; then
            echo "BUSYBOX_SRC=$(realpath "$CACHE/src/busybox")"
        fi
        if is_complete "$CACHE/src/dropbear"; then
            echo "DROPBEAR_SRC=$(realpath "$CACHE/src/dropbear")"
        fi
        if is_complete "$CACHE/src/curl"; then
            echo "CURL_SRC=$(realpath "$CACHE/src/curl")"
        fi
        if is_complete "$CACHE/src/nginx"; then
            echo "NGINX_SRC=$(realpath "$CACHE/src/nginx")"
        fi
        if is_complete "$CACHE/busybox-static/current"; then
            echo "BUSYBOX_GLIBC=$(realpath "$CACHE/busybox-static/current")/bin/busybox"
        fi
        if is_complete "$CACHE/linux/current"; then
            vmlinuz=$(find "$(realpath "$CACHE/linux/current")/boot" \
                -maxdepth 1 -name 'vmlinuz-*' | head -n 1)
            echo "LINUX_VMLINUZ=$vmlinuz"
        fi
        if is_complete "$CACHE/stress-ng/current"; then
            echo "STRESS_NG_ROOT=$(realpath "$CACHE/stress-ng/current")"
        fi
    } >"$tmp"
    mv "$tmp" "$CACHE/deps.env"
    say "wrote $CACHE/deps.env"
}

# --check: report what is missing without installing or fetching anything.
run_check() {
    local todo pkg
    mapfile -t todo < <(missing_packages)
    if ((${#todo[@]} > 0)); then
        say "missing packages: ${todo[*]}"
        missing=1
    fi
    check_versions
    musl_include_ok || {
        say "missing: $CACHE/musl-include"
        missing=1
    }
    if ((opt_sources)); then
        for pkg in "${SOURCE_PACKAGES[@]}"; do
            is_complete "$CACHE/src/$pkg" || {
                say "missing source package: $pkg"
                missing=1
            }
        done
        is_complete "$CACHE/busybox-static/current" || {
            say "missing: busybox-static ($CACHE/busybox-static/current)"
            missing=1
        }
    fi
    if ((opt_linux)) && ! is_complete "$CACHE/linux/current"; then
        say "missing: reference kernel ($CACHE/linux/current)"
        missing=1
    fi
    if ((opt_stress)) && ! is_complete "$CACHE/stress-ng/current"; then
        say "missing: stress-ng ($CACHE/stress-ng/current)"
        missing=1
    fi
    [[ -f $CACHE/deps.env ]] || {
        say "missing: $CACHE/deps.env"
        missing=1
    }
    # a deps.env written before a source package joined the list
    if ((opt_sources)) && [[ -f $CACHE/deps.env ]]; then
        for pkg in "${SOURCE_PACKAGES[@]}"; do
            grep -q "^${pkg^^}_SRC=" "$CACHE/deps.env" || {
                say "deps.env does not name the $pkg source"
                missing=1
            }
        done
    fi
    if ((missing)); then
        say "something is missing; run make deps"
        exit 1
    fi
    say "ok (nothing missing)"
}

# Install, check, fetch; see the comment at the top of the file.
main() {
    local pkg
    parse_args "$@"
    require_debian
    CACHE=$(realpath -m "$CACHE")
    APT_DIR=$CACHE/apt
    APT_CONF=$APT_DIR/etc/apt.conf
    if ((opt_check)); then
        run_check
        return 0
    fi

    trap cleanup EXIT
    mkdir -p "$CACHE"
    # One run at a time per cache (make -j may start several).
    exec 9>"$CACHE/.lock"
    flock 9
    cleanup

    install_packages
    check_versions
    say "ok (qemu, gcc, grub versions)"
    make_musl_include
    if ((opt_sources || opt_linux || opt_stress)); then
        setup_private_apt
        refresh_lists
    fi
    if ((opt_sources)); then
        for pkg in "${SOURCE_PACKAGES[@]}"; do
            fetch_source "$pkg"
        done
        fetch_busybox_glibc
    fi
    if ((opt_linux)); then
        fetch_linux
    fi
    if ((opt_stress)); then
        fetch_stress
    fi
    write_env
    say "done (cache: $CACHE)"
}

main "$@"
