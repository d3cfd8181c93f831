#!/bin/bash
# Fetches Debian's 'dpdk' source package of exactly the installed
# libdpdk-dev version into build/dpdk-src: it has the driver-side headers
# that libdpdk-dev lacks (ethdev_driver.h, bus_vdev_driver.h, ...) and
# testpmd's sources.  Uses a private apt state so that the system's apt
# configuration is left as it is.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

SRC_DIR=$BUILD_DIR/dpdk-src
APT_DIR=$BUILD_DIR/apt-src

version=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) \
    || die "libdpdk-dev is not installed: run 'make deps'"
upstream=${version%-*}

if [ -f "$SRC_DIR/.debian-version" ] \
   && [ "$(cat "$SRC_DIR/.debian-version")" = "$version" ]; then
    exit 0
fi

# The system's binary sources, as deb-src, in a private apt configuration.
rm -rf "$APT_DIR"
mkdir -p "$APT_DIR/parts" "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    sed 's/^Types:.*/Types: deb-src/' "$f" > "$APT_DIR/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >> "$APT_DIR/parts/system.list"
done
apt_private() {
    apt-get -q -o Dir::Etc::SourceList=/dev/null \
        -o Dir::Etc::SourceParts="$APT_DIR/parts" \
        -o Dir::State::Lists="$APT_DIR/lists" \
        -o Dir::Cache="$APT_DIR/cache" "$@"
}

info "fetching Debian's dpdk $version source package"
apt_private update >"$APT_DIR/update.log" 2>&1 \
    || die "apt-get update of deb-src lists failed; see $APT_DIR/update.log"
rm -rf "$SRC_DIR" "$BUILD_DIR/dpdk-dl"
mkdir -p "$BUILD_DIR/dpdk-dl"
(cd "$BUILD_DIR/dpdk-dl" && apt_private source "dpdk=$version") \
    >"$APT_DIR/source.log" 2>&1 \
    || die "no dpdk $version source package (installed libdpdk-dev is $version); see $APT_DIR/source.log"
unpacked=$(find "$BUILD_DIR/dpdk-dl" -mindepth 1 -maxdepth 1 -type d -name 'dpdk*' | head -1)
if [ -z "$unpacked" ] || [ ! -f "$unpacked/VERSION" ]; then
    die "the dpdk source package did not unpack; see $APT_DIR/source.log"
fi
[ "$(cat "$unpacked/VERSION")" = "$upstream" ] \
    || die "dpdk source is $(cat "$unpacked/VERSION"), installed DPDK is $upstream"
mv "$unpacked" "$SRC_DIR"
rm -rf "$BUILD_DIR/dpdk-dl"
echo "$version" > "$SRC_DIR/.debian-version"
