#!/bin/bash
# Generates build/ovs: the Open vSwitch 3.1.0 tarball from Debian's
# openvswitch-source as one base commit, with patches/*.patch applied on top
# by 'git am'.  Refuses to touch a tree that holds work not in patches/.
set -euo pipefail
# shellcheck source=scripts/common.sh
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

# What was last applied from patches/, and what the tree exported right
# after: together they tell whether patches/ changed since, and whether the
# tree holds work of its own.
applied_copy=$BUILD_DIR/ovs-series.applied
exported_copy=$BUILD_DIR/ovs-series.exported

same_dirs() {
    diff -r -q "$1" "$2" >/dev/null 2>&1
}

tree_is_clean() {
    [ -z "$(git -C "$OVS_TREE" status --porcelain --untracked-files=no)" ]
}

# Records the series just applied and the tree's export of it.
record_series() {
    rm -rf "$applied_copy" "$exported_copy"
    mkdir -p "$applied_copy" "$exported_copy"
    cp "$PATCH_DIR"/*.patch "$applied_copy"/ 2>/dev/null || true
    export_series_to "$exported_copy"
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
    # shellcheck disable=SC2086
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
            # Back to the bare base, which holds nothing of anyone's, so
            # that the next run applies the series afresh.
            git -C "$OVS_TREE" am --abort || true
            git -C "$OVS_TREE" reset -q --hard "$BASE_TAG"
            rm -rf "$applied_copy" "$exported_copy"
            mkdir -p "$applied_copy" "$exported_copy"
            die "patch does not apply: $(basename "$patch")"
        fi
    done
    rm -f "$BUILD_DIR/am.err"
    record_series
}

mkdir -p "$BUILD_DIR"
if [ -d "$OVS_TREE/.git" ]; then
    git -C "$OVS_TREE" rev-parse -q --verify "$BASE_TAG" >/dev/null \
        || die "$OVS_TREE has no '$BASE_TAG' tag; move it away and run 'make tree'"
    tree_is_clean || die "$OVS_TREE has uncommitted changes:
commit them there and run 'make export', or discard them, then retry"
    current=$(mktemp -d)
    trap 'rm -rf "$current"' EXIT
    export_series_to "$current"
    if same_dirs "$current" "$PATCH_DIR"; then
        # The tree is the series (freshly applied, or exported by hand).
        if [ ! -d "$exported_copy" ] \
           || ! same_dirs "$current" "$exported_copy"; then
            record_series
        fi
        exit 0
    fi
    if [ ! -d "$exported_copy" ] \
       || ! same_dirs "$current" "$exported_copy"; then
        die "$OVS_TREE holds commits that are not in patches/:
run 'make export' (or discard them), then retry"
    fi
    same_dirs "$PATCH_DIR" "$applied_copy" && exit 0
    info "patches/ changed: regenerating the series in $OVS_TREE"
    git -C "$OVS_TREE" reset -q --hard "$BASE_TAG"
else
    [ ! -e "$OVS_TREE" ] || die "$OVS_TREE exists but is not a git tree; move it away"
    info "unpacking $(basename "$OVS_TARBALL") into $OVS_TREE"
    create_base
fi
apply_series
info "$OVS_TREE: $(git -C "$OVS_TREE" rev-list --count "$BASE_TAG"..HEAD) patches on Open vSwitch $OVS_BASE_VERSION"
