#!/bin/bash
# Reserves 2 MiB hugepages for DPDK and mounts hugetlbfs, where this user
# may.  Where it cannot, DPDK tests and the demo run with --no-huge, so
# this only says why and succeeds.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

wanted=${1:-1024}
sys=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

free_pages() {
    awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo
}

if [ "$(id -u)" != 0 ]; then
    info "not root: no hugepages reserved; DPDK will run with --no-huge"
    exit 0
fi
if [ ! -w "$sys" ]; then
    info "no 2 MiB hugepage support here; DPDK will run with --no-huge"
    exit 0
fi

if [ "$(free_pages)" -lt "$wanted" ]; then
    total=$(cat "$sys")
    echo $((total + wanted - $(free_pages))) > "$sys" 2>/dev/null || true
fi
if ! grep -q hugetlbfs /proc/mounts; then
    mkdir -p /dev/hugepages
    mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
fi

if grep -q hugetlbfs /proc/mounts && [ "$(free_pages)" -gt 0 ]; then
    info "$(free_pages) free 2 MiB hugepages"
else
    info "could not reserve hugepages; DPDK will run with --no-huge"
fi
