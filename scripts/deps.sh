#!/bin/bash
# Installs the Debian packages listed in packages.txt that are missing.
# Quiet when everything is already installed.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/scripts/packages.txt")

missing=
for pkg in $wanted; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

[ "$(id -u)" = 0 ] \
    || die "packages missing:$missing; installing them needs root (run 'make deps' as root)"

info "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
