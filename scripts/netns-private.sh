#!/bin/bash
# Usage: netns-private.sh COMMAND [ARG]...
#
# Runs COMMAND in a network and mount namespace of its own, with loopback
# up and private /run/netns, /run/dpdk and /sys: the namespaces, veths and
# DPDK runtime files that COMMAND creates are invisible to every other
# process and vanish with it, so that tests which create them can run side
# by side.  Needs root.
set -euo pipefail

if [ "${1-}" != --inside ]; then
    [ "$(id -u)" = 0 ] || { echo "$(basename "$0"): needs root" >&2; exit 1; }
    [ $# -gt 0 ] || { echo "usage: $(basename "$0") COMMAND [ARG]..." >&2; exit 1; }
    # 'ip netns add' needs /run/netns to exist before it can be covered.
    mkdir -p /run/netns /run/dpdk
    exec unshare --net --mount --propagation private "$0" --inside "$@"
fi
shift

mount -t tmpfs tmpfs /run/netns
mount -t tmpfs tmpfs /run/dpdk
# sysfs shows the network devices of the namespace that mounts it.
mount -t sysfs sysfs /sys
ip link set lo up
exec "$@"
