#!/bin/bash
# Writes the commits of build/ovs since the base into patches/, replacing
# the old series exactly.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

[ -d "$OVS_TREE/.git" ] || die "no tree in $OVS_TREE: run 'make tree' first"
[ -z "$(git -C "$OVS_TREE" status --porcelain --untracked-files=no)" ] \
    || die "$OVS_TREE has uncommitted changes: commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export_series_to "$tmp"
mkdir -p "$PATCH_DIR"
rm -f "$PATCH_DIR"/*.patch
cp "$tmp"/*.patch "$PATCH_DIR"/ 2>/dev/null || true
info "exported $(find "$PATCH_DIR" -maxdepth 1 -name '*.patch' | wc -l) patches to patches/"
