#!/bin/bash
# Generates build/ovs: the Open vSwitch 3.1.0 tarball from Debian's
# openvswitch-source as one base commit, with patches/*.patch applied on top
# by 'git am'.  Refuses to touch a tree that holds work not in patches/.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Files that autotools and the build generate, and Debian's packaging.  They
# are in the tarball but not in upstream's git, so they stay out of the base
# commit: the series then applies to an upstream checkout too, a build
# leaves the tree clean, and upstream's 'git grep' style checks in 'make'
# look at upstream's files only.
GENERATED='
Makefile.in
/aclocal.m4
/configure
/config.h.in
/package.m4
/build-aux/compile
/build-aux/config.guess
/build-aux/config.sub
/build-aux/depcomp
/build-aux/install-sh
/build-aux/ltmain.sh
/build-aux/missing
/build-aux/test-driver
/m4/libtool.m4
/m4/ltoptions.m4
/m4/ltsugar.m4
/m4/ltversion.m4
/m4/lt~obsolete.m4
/tests/testsuite
/tests/*-testsuite
/python/ovs/version.py
/python/ovs/dirs.py
/build-stamp
/debian/
'

tarball_version() {
    sed -n 's/^AC_INIT(openvswitch, *\([^,]*\),.*/\1/p' "$1/configure.ac"
}

series_stamp=$BUILD_DIR/ovs-series.applied

# Succeeds if the tree holds nothing that patches/ lacks: no uncommitted
# change to a tracked file, and its commits export either to patches/ or
# to the series it was generated from.
tree_is_disposable() {
    local tmp rc=1
    [ -z "$(git -C "$OVS_TREE" status --porcelain --untracked-files=no)" ] \
        || return 1
    tmp=$(mktemp -d)
    export_series_to "$tmp"
    if diff -r -q "$tmp" "$PATCH_DIR" >/dev/null 2>&1 \
       || { [ -d "$series_stamp" ] \
            && diff -r -q "$tmp" "$series_stamp" >/dev/null 2>&1; }; then
        rc=0
    fi
    rm -rf "$tmp"
    return $rc
}

tree_matches_patches() {
    local tmp rc=1
    tmp=$(mktemp -d)
    export_series_to "$tmp"
    diff -r -q "$tmp" "$PATCH_DIR" >/dev/null 2>&1 && rc=0
    rm -rf "$tmp"
    return $rc
}

create_base() {
    local src version
    [ -f "$OVS_TARBALL" ] \
        || die "$OVS_TARBALL not found: run 'make deps' (package openvswitch-source)"
    src=$(mktemp -d "$BUILD_DIR/unpack.XXXXXX")
    tar --no-same-owner -xzf "$OVS_TARBALL" -C "$src"
    [ -f "$src/openvswitch/configure.ac" ] \
        || die "$OVS_TARBALL does not hold an openvswitch/ source tree"
    version=$(tarball_version "$src/openvswitch")
    [ "$version" = "$OVS_BASE_VERSION" ] \
        || die "$OVS_TARBALL is Open vSwitch '$version', the series is for $OVS_BASE_VERSION"
    mv "$src/openvswitch" "$OVS_TREE"
    rmdir "$src"

    git -C "$OVS_TREE" init -q
    printf '%s\n' $GENERATED >> "$OVS_TREE/.git/info/exclude"
    git -C "$OVS_TREE" add -A
    GIT_AUTHOR_DATE='2024-02-18T16:46:26Z' \
    GIT_COMMITTER_DATE='2024-02-18T16:46:26Z' \
        git -C "$OVS_TREE" -c user.name=ovs-rteflow \
            -c user.email=ovs-rteflow@localhost \
            commit -q -m "Open vSwitch $OVS_BASE_VERSION from Debian's openvswitch-source."
    git -C "$OVS_TREE" tag "$BASE_TAG"
}

apply_series() {
    local patch
    for patch in "$PATCH_DIR"/*.patch; do
        [ -e "$patch" ] || break
        if ! git -C "$OVS_TREE" -c user.name=ovs-rteflow \
                 -c user.email=ovs-rteflow@localhost \
                 am -q --keep-cr --committer-date-is-author-date \
                 "$patch" >/dev/null 2>"$BUILD_DIR/am.err"; then
            cat "$BUILD_DIR/am.err" >&2
            git -C "$OVS_TREE" am --abort || true
            die "patch does not apply: $(basename "$patch")"
        fi
    done
    rm -rf "$series_stamp" "$BUILD_DIR/am.err"
    mkdir -p "$series_stamp"
    cp "$PATCH_DIR"/*.patch "$series_stamp"/ 2>/dev/null || true
}

mkdir -p "$BUILD_DIR"
if [ -d "$OVS_TREE/.git" ]; then
    git -C "$OVS_TREE" rev-parse -q --verify "$BASE_TAG" >/dev/null \
        || die "$OVS_TREE has no '$BASE_TAG' tag; move it away and run 'make tree'"
    if tree_matches_patches \
       && [ -z "$(git -C "$OVS_TREE" status --porcelain --untracked-files=no)" ]; then
        exit 0
    fi
    tree_is_disposable || die "$OVS_TREE holds commits or changes that are not in patches/:
commit them there and run 'make export', or discard them, then retry"
    info "patches/ changed: regenerating the series in $OVS_TREE"
    git -C "$OVS_TREE" reset -q --hard "$BASE_TAG"
else
    [ ! -e "$OVS_TREE" ] || die "$OVS_TREE exists but is not a git tree; move it away"
    info "unpacking $(basename "$OVS_TARBALL") into $OVS_TREE"
    create_base
fi
apply_series
info "$OVS_TREE: $(git -C "$OVS_TREE" rev-list --count "$BASE_TAG"..HEAD) patches on Open vSwitch $OVS_BASE_VERSION"
