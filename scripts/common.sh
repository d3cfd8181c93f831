# shellcheck shell=bash disable=SC2034
# Common settings for the project's scripts.  Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$TOP/build
OVS_TREE=$BUILD_DIR/ovs
OVS_TARBALL=${OVS_TARBALL:-/usr/src/openvswitch/openvswitch.tar.gz}
OVS_BASE_VERSION=3.1.0
PATCH_DIR=$TOP/patches
# Debian's Python, with the packages of scripts/packages.txt, whatever
# else (pyenv, a virtualenv) comes first on PATH.
PYTHON3=/usr/bin/python3

# The tag on the base commit of the generated tree: the unmodified tarball.
BASE_TAG=upstream-base

die() {
    echo "$(basename "$0"): error: $*" >&2
    exit 1
}

info() {
    echo "$(basename "$0"): $*"
}

need_root() {
    [ "$(id -u)" = 0 ] || die "$1 needs root (run it as root or with sudo)"
}

# Writes the tree's commits since the base as patches into directory $1,
# in the one format that 'make export' commits: no commit ids, no numbering
# in subjects, no git version trailer, so that exporting twice is stable.
export_series_to() {
    git -C "$OVS_TREE" format-patch -q --zero-commit --no-signature -N \
        -o "$1" "$BASE_TAG"..HEAD >/dev/null
}
