#!/bin/bash
# Removes build/, but never a generated tree that holds work not exported
# to patches/.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

if [ -d "$OVS_TREE/.git" ]; then
    [ -z "$(git -C "$OVS_TREE" status --porcelain --untracked-files=no)" ] \
        || die "$OVS_TREE has uncommitted changes: commit and 'make export' first"
    tmp=$(mktemp -d)
    export_series_to "$tmp"
    if ! diff -r -q "$tmp" "$PATCH_DIR" >/dev/null 2>&1; then
        rm -rf "$tmp"
        die "$OVS_TREE has commits not in patches/: run 'make export' first"
    fi
    rm -rf "$tmp"
fi
rm -rf "$BUILD_DIR"
