#!/bin/sh
# Puts sudo.conf back as it was before install.sh (verifying sudo still works), or, when something else
# changed it since, removes only the relay_audit line; then deletes the plugin and the directories
# install.sh created that are empty.
# Usage: [PREFIX=/usr/local] [SUDO_CONF=/etc/sudo.conf] ./uninstall.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sudo-conf.sh"

PREFIX=${PREFIX:-/usr/local}
so="$PREFIX/libexec/sudo/relay_audit.so"

[ "$(id -u)" = 0 ] || die "must run as root"
new=
trap 'rm -f "$new"' EXIT
if unchanged_since_install; then
    # Byte for byte as before install (no file if there was none).
    if [ -e "$ORIG" ]; then
        new=$(mktemp "$SUDO_CONF.XXXXXX") || die "cannot create a temporary file beside $SUDO_CONF"
        cp "$ORIG" "$new" || die "cannot copy $ORIG"
    fi
    how="restored as it was before install"
else
    new=$(mktemp "$SUDO_CONF.XXXXXX") || die "cannot create a temporary file beside $SUDO_CONF"
    conf_without_relay >"$new"
    how="changed since install, so only the relay_audit line was removed"
fi
replace_sudo_conf "$new" "" || exit 1
rm -f "$so"
# The directories install created, innermost first, where nothing else has been put since.
if [ -e "$STATE" ]; then
    sed 1d "$STATE" | while IFS= read -r dir; do rmdir "$dir" 2>/dev/null; done
fi
rm -f "$STATE" "$ORIG"
echo "relay_audit: $SUDO_CONF $how; $so deleted"
