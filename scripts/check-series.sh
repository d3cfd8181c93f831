#!/bin/bash
# Builds every patch of the series in turn, as 'git rebase --exec' would,
# and runs OVS's checkpatch on it: the series must be bisectable.  Stops at
# the first patch that does not build or that checkpatch warns about.
#
#   scripts/check-series.sh [FIRST]
#
# Works in build/series, a git worktree of build/ovs configured once
# (without optimization: only whether each patch builds matters) and built
# incrementally from one patch to the next.  FIRST (a patch number) skips
# the patches before it, e.g. to resume after fixing one.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

SERIES_TREE=$BUILD_DIR/series
first=${1:-1}
case $first in
    ''|*[!0-9]*) die "FIRST must be a patch number, not '$first'" ;;
esac

[ -d "$OVS_TREE/.git" ] || die "no tree in $OVS_TREE: run 'make tree' first"
base=$(git -C "$OVS_TREE" rev-parse upstream-base)
mapfile -t commits < <(git -C "$OVS_TREE" rev-list --reverse "$base..HEAD")
[ ${#commits[@]} -gt 0 ] || die "$OVS_TREE has no patch on upstream-base"

# A worktree of a build/ovs that 'make clean' or 'make tree' replaced is
# stale: start afresh.
if [ "$(git -C "$SERIES_TREE" rev-parse --show-toplevel 2>/dev/null)" \
     != "$SERIES_TREE" ]; then
    rm -rf "$SERIES_TREE"
    git -C "$OVS_TREE" worktree prune
    git -C "$OVS_TREE" worktree add -q --detach "$SERIES_TREE" "$base"
    # The base commit leaves out Debian's packaging (see tree.sh), which
    # Makefile.am includes: take it from the tarball.
    unpack=$(mktemp -d "$BUILD_DIR/unpack.XXXXXX")
    tar --no-same-owner -xzf "$OVS_TARBALL" -C "$unpack" openvswitch/debian
    mv "$unpack/openvswitch/debian" "$SERIES_TREE/debian"
    rm -rf "$unpack"
fi

log=$BUILD_DIR/check-series.log
: >"$log"
start=$(date +%s)
for i in "${!commits[@]}"; do
    n=$((i + 1))
    [ "$n" -ge "$first" ] || continue
    commit=${commits[$i]}
    subject=$(git -C "$OVS_TREE" log -1 --format=%s "$commit")
    git -C "$SERIES_TREE" checkout -q --detach "$commit"
    printf '%04d %s\n' "$n" "$subject" >>"$log"

    # checkpatch exits non-zero on errors only: warnings count too.
    if ! warnings=$(git -C "$OVS_TREE" format-patch -1 --stdout "$commit" \
                    | python3 "$SERIES_TREE/utilities/checkpatch.py" -q 2>&1) \
       || [ -n "$warnings" ]; then
        echo "$warnings" | tee -a "$log" >&2
        die "patch $n ($subject): checkpatch is not clean"
    fi

    (
        cd "$SERIES_TREE"
        [ -x configure ] || ./boot.sh
        if [ ! -f config.status ]; then
            ./configure --with-dpdk=shared --enable-silent-rules \
                PYTHON3=/usr/bin/python3 CFLAGS="-O0 -g0"
        fi
        make -s -j"$(nproc)"
    ) >>"$log" 2>&1 || {
        grep -E -B2 -A8 'error|Error' "$log" | tail -40 >&2
        die "patch $n ($subject) does not build; see $log"
    }
    info "patch $n of ${#commits[@]} builds and is checkpatch clean ($((($(date +%s) - start) / 60)) min)"
done
info "all ${#commits[@]} patches build and are checkpatch clean"
