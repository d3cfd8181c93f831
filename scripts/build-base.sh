#!/bin/bash
# Builds unpatched Open vSwitch 3.1.0, from the same tarball as the series,
# into build/ovs-base: the baseline that 'make bench' measures the series
# against.  A second run only checks that the build is up to date.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

BASE_TREE=$BUILD_DIR/ovs-base

[ -f "$OVS_TARBALL" ] \
    || die "$OVS_TARBALL not found: run 'make deps' (package openvswitch-source)"

if [ ! -f "$BASE_TREE/configure" ]; then
    info "unpacking $(basename "$OVS_TARBALL") into $BASE_TREE"
    rm -rf "$BASE_TREE"
    src=$(mktemp -d "$BUILD_DIR/unpack.XXXXXX")
    tar --no-same-owner -xzf "$OVS_TARBALL" -C "$src"
    mv "$src/openvswitch" "$BASE_TREE"
    rmdir "$src"
fi

cd "$BASE_TREE"
if [ ! -f config.status ]; then
    info "configuring unpatched Open vSwitch $OVS_BASE_VERSION with DPDK"
    ./configure --with-dpdk=shared --enable-silent-rules \
        PYTHON3=/usr/bin/python3 CFLAGS="-g -O2" \
        >"$BUILD_DIR/configure-base.log" 2>&1 \
        || die "configure failed; see $BUILD_DIR/configure-base.log"
fi
info "building unpatched Open vSwitch"
make -s -j"$(nproc)" >"$BUILD_DIR/make-base.log" 2>&1 \
    || die "build failed; see $BUILD_DIR/make-base.log"
