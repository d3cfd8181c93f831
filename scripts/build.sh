#!/bin/bash
# Configures (once) and builds Open vSwitch in build/ovs against the
# system's DPDK.  A second run only rebuilds what changed.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

[ -d "$OVS_TREE/.git" ] || die "no tree in $OVS_TREE: run 'make tree' first"
cd "$OVS_TREE"

# Patches that touch configure.ac or a Makefile.am make the build rerun
# autotools itself; configure must exist to start with.
[ -x configure ] || ./boot.sh >/dev/null

# Debian's python3, whatever else is first on PATH: the tests use its
# packages (scapy, sortedcontainers).
configure_args=(--with-dpdk=shared --enable-silent-rules
                PYTHON3=/usr/bin/python3 CFLAGS="-g -O2")
stamp=$BUILD_DIR/configure.args
if [ ! -f config.status ] \
   || [ "$(cat "$stamp" 2>/dev/null)" != "${configure_args[*]}" ]; then
    info "configuring Open vSwitch with DPDK"
    ./configure "${configure_args[@]}" >"$BUILD_DIR/configure.log" 2>&1 \
        || { tail -20 "$BUILD_DIR/configure.log" >&2;
             die "configure failed; see $BUILD_DIR/configure.log"; }
    echo "${configure_args[*]}" > "$stamp"
fi

info "building Open vSwitch"
make -s -j"$(nproc)" >"$BUILD_DIR/make.log" 2>&1 \
    || { grep -E -B2 -A8 'error|Error' "$BUILD_DIR/make.log" | tail -40 >&2;
         die "build failed; see $BUILD_DIR/make.log"; }
