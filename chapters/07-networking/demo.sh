#!/usr/bin/env bash
# Instructor demo for chapter 7 (networking). Run from the repository root:
#   bash chapters/07-networking/demo.sh
# Each step says what to point out, waits for Enter, then runs; every boot
# ends by itself except the shell, which ends with `exit`.
set -euo pipefail
# shellcheck source=../../tools/demo-lib.sh
source "$(dirname "$0")/../../tools/demo-lib.sh"

pause "The card on the PCI bus, DHCP, a ping to the gateway, a page from the host, and the same machine seen from the host. Watch for 'net: eth0 is 10.0.2.15'."
make -s grade CHAPTER=7 TEST=nic || true

pause "Sockets over 127.0.0.1, compared line by line with Linux (user/socktest.c), then BusyBox nc, httpd and wget."
make -s grade CHAPTER=7 TEST=sockets || true

pause "The shell with the network. In Keel: ifconfig; route -n; ping -c 3 10.0.2.2; cat /proc/net/tcp. From another terminal on this machine: curl http://127.0.0.1:8080/ ; then in Keel: netstat -tn. exit ends it."
make -s run CHAPTER=7 || true
