#!/bin/sh
# Removes the relay_audit line from sudo.conf (verifying sudo still works) and then the plugin file.
# Usage: [PREFIX=/usr/local] [SUDO_CONF=/etc/sudo.conf] ./uninstall.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sudo-conf.sh"

PREFIX=${PREFIX:-/usr/local}
so="$PREFIX/libexec/sudo/relay_audit.so"

[ "$(id -u)" = 0 ] || die "must run as root"
new=$(mktemp "$SUDO_CONF.XXXXXX") || die "cannot create a temporary file beside $SUDO_CONF"
conf_without_relay >"$new"
replace_sudo_conf "$new" "" || exit 1
rm -f "$so"
echo "relay_audit: removed from $SUDO_CONF and $so deleted"
