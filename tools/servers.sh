#!/usr/bin/env bash
#
# tools/servers.sh -- chapter 7's real network programs: Dropbear (ssh),
# curl and nginx, built from Debian's source packages and laid into the
# initramfs.
#
#   tools/servers.sh dropbear OUT    build OUT (build/dropbear/dropbearmulti)
#   tools/servers.sh curl OUT        build OUT (build/curl/curl)
#   tools/servers.sh nginx OUT       build OUT (build/nginx/nginx)
#   tools/servers.sh keys DIR        host and client keys in DIR (build/ssh)
#   tools/servers.sh rootfs STAGE    add all of it to the staged initramfs
#
# dropbear: Dropbear 2022.83 (DROPBEAR_SRC, fetched by tools/deps.sh),
# static with musl, configured out of tree in OUT's folder without zlib,
# without utmp, wtmp and lastlog (Keel keeps no login records), and with
# user/servers/localoptions.h (keys only, no sftp-server). One multi-call
# binary, as BusyBox is: dropbear, dropbearkey, dropbearconvert, dbclient
# and scp are links to it, and it acts by the name it is run by.
#
# curl: curl 7.88.1 (CURL_SRC), static with musl, HTTP only: no TLS, no
# compression, none of the other protocols, and no threaded resolver
# (getaddrinfo in the calling thread; Keel's chapter 7 has no threads).
#
# nginx: nginx 1.22.1 (NGINX_SRC), static with musl: the event-driven
# web server, one master and worker processes that each wait in
# epoll_wait() on every connection they hold. Only the core HTTP modules
# (static files, index, autoindex, proxy): no PCRE, no TLS, no gzip.
# nginx builds in its source tree, so the tree (without debian/) is
# copied into OUT's folder first. Debian's musl has no <crypt.h> (it
# declares crypt() in <unistd.h>), which nginx's Linux header wants:
# OUT's folder gets a one-line one.
#
# keys: run the built Dropbear ON THE HOST (it is a static Linux program):
# an ed25519 host key for the server (RSA keys take minutes to make
# under TCG, ed25519 ones a moment), and an ed25519 key pair for root's
# logins, converted with dropbearconvert to OpenSSH's format for the
# host's ssh and scp: DIR/id_ed25519 and DIR/id_ed25519.pub. Made once;
# deleting DIR makes new ones.
#
# Each build is quiet: its output goes to build.log in its folder, shown
# (the end of it) only on failure. The Makefile runs a build only when
# the source version or what this script does changes; a build of
# another source version starts from an empty folder.
#
# DROPBEAR_SRC, CURL_SRC, NGINX_SRC and MUSL_INCLUDE come from the
# environment (make passes them on), else from $KEEL_CACHE/deps.env, else
# the cache's src/dropbear, src/curl and src/nginx links; when they are
# still missing,
# tools/deps.sh runs first, as `make deps` would.

set -euo pipefail

CACHE=${KEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keel}
REPO=$(cd "$(dirname "$0")/.." && pwd)
LOCALOPTIONS=$REPO/user/servers/localoptions.h
NGINX_CONF=$REPO/user/servers/nginx.conf
# shellcheck source=tools/prebuilt.sh
source "$REPO/tools/prebuilt.sh"
DROPBEAR_PROGRAMS="dropbear dbclient dropbearkey dropbearconvert scp"

# the configure options of each (a change rebuilds: the Makefile's rules
# depend on this file)
DROPBEAR_CONFIGURE=(
    --enable-static --disable-zlib --disable-harden --disable-syslog
    --disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp
    --disable-wtmpx --disable-pututline --disable-pututxline
)
CURL_CONFIGURE=(
    --disable-shared --enable-static --disable-ipv6
    --without-ssl --without-zlib --without-libpsl --without-brotli
    --without-zstd --without-libidn2 --without-nghttp2 --without-nghttp3
    --without-ngtcp2 --without-librtmp --without-libssh2 --without-libssh
    --without-libgsasl --without-ca-bundle --without-ca-path
    --disable-threaded-resolver --disable-ldap --disable-ldaps
    --disable-rtsp --disable-dict --disable-telnet --disable-tftp
    --disable-pop3 --disable-imap --disable-smb --disable-smtp
    --disable-gopher --disable-mqtt --disable-file --disable-ftp
    --disable-manual --disable-ntlm --disable-unix-sockets
    --disable-alt-svc --disable-hsts
)
NGINX_CONFIGURE=(
    --prefix=/ --sbin-path=/usr/sbin/nginx --conf-path=/etc/nginx/nginx.conf
    --error-log-path=stderr --http-log-path=/var/log/nginx/access.log
    --pid-path=/run/nginx.pid --lock-path=/run/nginx.lock
    --http-client-body-temp-path=/tmp/nginx-body
    --http-proxy-temp-path=/tmp/nginx-proxy
    --without-pcre --without-http_rewrite_module --without-http_gzip_module
    --without-http-cache --without-http_ssi_module --without-http_userid_module
    --without-http_auth_basic_module --without-http_fastcgi_module
    --without-http_uwsgi_module --without-http_scgi_module
    --without-http_grpc_module --without-http_memcached_module
    --without-http_upstream_hash_module
)

die() {
    printf 'servers: error: %s\n' "$*" >&2
    exit 1
}

# Print the value of KEY in deps.env (empty when absent).
deps_env() {
    [[ -r $CACHE/deps.env ]] || return 0
    sed -n "s/^$1=//p" "$CACHE/deps.env" | tail -n 1
}

# Print the source folder of package $1 (variable $2): the environment,
# deps.env, or the cache's link, whichever names a complete tree first.
source_of() {
    local dir=${!2:-}
    [[ -n $dir ]] || dir=$(deps_env "$2")
    [[ -n $dir ]] || dir=$CACHE/src/$1
    if [[ -f $dir/.keel-complete ]]; then
        realpath "$dir"
    fi
}

# Set DROPBEAR_SRC, CURL_SRC, NGINX_SRC and MUSL_INCLUDE, running
# tools/deps.sh when something is missing.
load_deps() {
    local pass
    for pass in 1 2; do
        DROPBEAR_SRC=$(source_of dropbear DROPBEAR_SRC)
        CURL_SRC=$(source_of curl CURL_SRC)
        NGINX_SRC=$(source_of nginx NGINX_SRC)
        MUSL_INCLUDE=${MUSL_INCLUDE:-$(deps_env MUSL_INCLUDE)}
        if [[ -n $DROPBEAR_SRC && -n $CURL_SRC && -n $NGINX_SRC &&
            -d $MUSL_INCLUDE/linux ]]; then
            return 0
        fi
        ((pass == 1)) || break
        bash "$REPO/tools/deps.sh" >&2
    done
    die "the dropbear, curl or nginx source is missing after tools/deps.sh"
}

# prepare DIR SRC: make DIR (absolute path printed), emptied first when it
# holds a build of another source version.
prepare() {
    local dir version
    dir=$(mkdir -p "$1" && cd "$1" && pwd)
    version=$(basename "$2")
    if [[ -f $dir/.keel-source && $(<"$dir/.keel-source") != "$version" ]]; then
        find "$dir" -mindepth 1 -delete
    fi
    printf '%s\n' "$version" >"$dir/.keel-source"
    printf '%s\n' "$dir"
}

# logged NAME LOG CMD...: run CMD with its output in LOG; on failure show
# the end of LOG and stop.
logged() {
    local name=$1 log=$2
    shift 2
    if ! "$@" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "$name failed; the whole log is $log"
    fi
}

# recipe FUNCTION OPTION...: what decides how a program is built, for its
# key in the build cache: the function that builds it and its configure
# options. Only these (not the whole script), so that a change elsewhere
# in this file (the root file system's layout, another program) does not
# throw away a build that took minutes.
recipe() {
    declare -f "$1" prepare logged
    shift
    printf '%s\n' "$@"
}

# stamp DIR SRC: DIR/.source-<version>, the Makefile's record of the
# source version DIR was built from (older than the program it made).
stamp() {
    rm -f "$1"/.source-*
    touch "$1/.source-$(basename "$2")"
}

# dropbear OUT: configure (once per option set) and build the multi-call
# binary.
build_dropbear() {
    local out=$1 dir log key
    load_deps
    dir=$(prepare "$(dirname "$out")" "$DROPBEAR_SRC")
    key=$(prebuilt_key dropbear "$(basename "$DROPBEAR_SRC")" \
        <(recipe build_dropbear "${DROPBEAR_CONFIGURE[@]}") "$LOCALOPTIONS")
    if prebuilt_get "$key" "$out"; then
        echo "  DROPBEAR the same build as before, kept in the cache ($key)"
        stamp "$dir" "$DROPBEAR_SRC"
        touch "$out"
        return 0
    fi
    log=$dir/build.log
    : >"$log"
    cp "$LOCALOPTIONS" "$dir/localoptions.h"
    if [[ ! -f $dir/Makefile || $(cat "$dir/.keel-configure" 2>/dev/null) != "${DROPBEAR_CONFIGURE[*]}" ]]; then
        echo "  DROPBEAR configure"
        logged "Dropbear's configure" "$log" env -C "$dir" CC=musl-gcc \
            CFLAGS="-Os -isystem $MUSL_INCLUDE" \
            "$DROPBEAR_SRC/configure" "${DROPBEAR_CONFIGURE[@]}"
        printf '%s\n' "${DROPBEAR_CONFIGURE[*]}" >"$dir/.keel-configure"
    fi
    echo "  DROPBEAR make ($DROPBEAR_PROGRAMS)"
    logged "Dropbear's build" "$log" make -C "$dir" -j2 MULTI=1 STATIC=1 \
        PROGRAMS="$DROPBEAR_PROGRAMS"
    [[ $(realpath "$dir/dropbearmulti") == $(realpath -m "$out") ]] ||
        cp "$dir/dropbearmulti" "$out"
    prebuilt_put "$key" "$out"
    stamp "$dir" "$DROPBEAR_SRC"
    touch "$out"
}

# curl OUT: configure (once per option set) and build src/curl.
build_curl() {
    local out=$1 dir log key
    load_deps
    dir=$(prepare "$(dirname "$out")" "$CURL_SRC")
    key=$(prebuilt_key curl "$(basename "$CURL_SRC")" \
        <(recipe build_curl "${CURL_CONFIGURE[@]}"))
    if prebuilt_get "$key" "$out"; then
        echo "  CURL    the same build as before, kept in the cache ($key)"
        stamp "$dir" "$CURL_SRC"
        touch "$out"
        return 0
    fi
    log=$dir/build.log
    : >"$log"
    if [[ ! -f $dir/Makefile || $(cat "$dir/.keel-configure" 2>/dev/null) != "${CURL_CONFIGURE[*]}" ]]; then
        echo "  CURL    configure (about a minute)"
        logged "curl's configure" "$log" env -C "$dir" CC=musl-gcc \
            CFLAGS="-Os -isystem $MUSL_INCLUDE" LDFLAGS=-static \
            "$CURL_SRC/configure" "${CURL_CONFIGURE[@]}"
        printf '%s\n' "${CURL_CONFIGURE[*]}" >"$dir/.keel-configure"
    fi
    echo "  CURL    make"
    # -all-static: libtool's word for a static program
    logged "curl's build" "$log" make -C "$dir" -j2 V=0 \
        LDFLAGS="-static -all-static"
    cp "$dir/src/curl" "$out.tmp"
    strip "$out.tmp"
    stamp "$dir" "$CURL_SRC"
    mv "$out.tmp" "$out"
    prebuilt_put "$key" "$out"
}

# nginx OUT: copy the tree, configure (once per option set) and build.
build_nginx() {
    local out=$1 dir log key
    load_deps
    dir=$(prepare "$(dirname "$out")" "$NGINX_SRC")
    key=$(prebuilt_key nginx "$(basename "$NGINX_SRC")" \
        <(recipe build_nginx "${NGINX_CONFIGURE[@]}"))
    if prebuilt_get "$key" "$out"; then
        echo "  NGINX   the same build as before, kept in the cache ($key)"
        stamp "$dir" "$NGINX_SRC"
        touch "$out"
        return 0
    fi
    log=$dir/build.log
    : >"$log"
    if [[ ! -f $dir/src/configure ]]; then
        mkdir -p "$dir/src" "$dir/include"
        tar -C "$NGINX_SRC" --exclude=./debian -cf - . | tar -C "$dir/src" -xf -
    fi
    printf '/* musl declares crypt() in <unistd.h> */\n#include <unistd.h>\n' \
        >"$dir/include/crypt.h"
    if [[ ! -f $dir/objs/Makefile || $(cat "$dir/.keel-configure" 2>/dev/null) != "${NGINX_CONFIGURE[*]}" ]]; then
        echo "  NGINX   configure"
        logged "nginx's configure" "$log" env -C "$dir/src" ./configure \
            --with-cc=musl-gcc --builddir="$dir/objs" --with-ld-opt=-static \
            --with-cc-opt="-Os -isystem $MUSL_INCLUDE -I$dir/include" \
            "${NGINX_CONFIGURE[@]}"
        printf '%s\n' "${NGINX_CONFIGURE[*]}" >"$dir/.keel-configure"
    fi
    echo "  NGINX   make"
    logged "nginx's build" "$log" make -C "$dir/src" -j2
    cp "$dir/objs/nginx" "$out.tmp"
    strip "$out.tmp"
    stamp "$dir" "$NGINX_SRC"
    mv "$out.tmp" "$out"
    prebuilt_put "$key" "$out"
}

# keys DIR: the host key and root's key pair (see the top), made once.
make_keys() {
    local dir=$1 multi=$REPO/build/dropbear/dropbearmulti tmp
    [[ -x $multi ]] || die "$multi is not built (tools/servers.sh dropbear)"
    mkdir -p "$dir"
    if [[ ! -s $dir/dropbear_ed25519_host_key ]]; then
        echo "  SSHKEY  $dir/dropbear_ed25519_host_key"
        "$multi" dropbearkey -t ed25519 -f "$dir/host.tmp" >/dev/null 2>&1 ||
            die "dropbearkey could not make the host key"
        mv "$dir/host.tmp" "$dir/dropbear_ed25519_host_key"
    fi
    if [[ ! -s $dir/id_ed25519 || ! -s $dir/id_ed25519.pub ]]; then
        echo "  SSHKEY  $dir/id_ed25519 (root's key, OpenSSH's format)"
        tmp=$dir/id_dropbear
        rm -f "$tmp"
        "$multi" dropbearkey -t ed25519 -f "$tmp" >/dev/null 2>&1 ||
            die "dropbearkey could not make root's key"
        "$multi" dropbearconvert dropbear openssh "$tmp" "$dir/id_ed25519" \
            >/dev/null 2>&1 || die "dropbearconvert failed"
        chmod 600 "$dir/id_ed25519"
        # the public half, with a comment that names the machine it opens
        "$multi" dropbearkey -y -f "$tmp" | grep '^ssh-ed25519 ' |
            cut -d' ' -f1-2 | sed 's/$/ root@keel/' >"$dir/id_ed25519.pub"
        rm -f "$tmp"
    fi
}

# rootfs STAGE: Dropbear with its links, its host key and root's
# authorized_keys, curl, and nginx with its configuration.
rootfs() {
    local stage=$1 multi=$REPO/build/dropbear/dropbearmulti
    local curl=$REPO/build/curl/curl nginx=$REPO/build/nginx/nginx
    local keys=$REPO/build/ssh p
    [[ -x $multi && -x $curl && -x $nginx ]] ||
        die "Dropbear, curl or nginx is not built"
    [[ -s $keys/id_ed25519.pub ]] || die "no keys in $keys (servers.sh keys)"
    mkdir -p "$stage/usr/bin" "$stage/usr/sbin" "$stage/etc/dropbear" \
        "$stage/root/.ssh"
    cp "$multi" "$stage/usr/bin/dropbearmulti"
    # BusyBox's own links of the same names (if any) give way
    ln -sfn /usr/bin/dropbearmulti "$stage/usr/sbin/dropbear"
    for p in dbclient dropbearkey dropbearconvert scp; do
        ln -sfn /usr/bin/dropbearmulti "$stage/usr/bin/$p"
    done
    cp "$curl" "$stage/usr/bin/curl"
    mkdir -p "$stage/etc/nginx" "$stage/var/log/nginx" "$stage/run"
    cp "$nginx" "$stage/usr/sbin/nginx"
    cp "$NGINX_CONF" "$stage/etc/nginx/nginx.conf"
    chmod 755 "$stage/usr/bin/dropbearmulti" "$stage/usr/bin/curl" \
        "$stage/usr/sbin/nginx"
    cp "$keys/dropbear_ed25519_host_key" "$stage/etc/dropbear/"
    cp "$keys/id_ed25519.pub" "$stage/root/.ssh/authorized_keys"
    # Dropbear refuses keys that others could have written
    chmod 700 "$stage/root" "$stage/root/.ssh"
    chmod 600 "$stage/root/.ssh/authorized_keys" \
        "$stage/etc/dropbear/dropbear_ed25519_host_key"
}

case ${1:-} in
dropbear)
    (($# == 2)) || die "usage: $0 dropbear OUT"
    build_dropbear "$2"
    ;;
curl)
    (($# == 2)) || die "usage: $0 curl OUT"
    build_curl "$2"
    ;;
nginx)
    (($# == 2)) || die "usage: $0 nginx OUT"
    build_nginx "$2"
    ;;
keys)
    (($# == 2)) || die "usage: $0 keys DIR"
    make_keys "$2"
    ;;
rootfs)
    (($# == 2)) || die "usage: $0 rootfs STAGE"
    rootfs "$2"
    ;;
*)
    die "usage: $0 dropbear OUT | curl OUT | nginx OUT | keys DIR | rootfs STAGE"
    ;;
esac
