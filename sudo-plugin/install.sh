#!/bin/sh
# Installs the relay_audit sudo plugin and registers it in sudo.conf, rolling back if sudo breaks.
# Usage: [PREFIX=/usr/local] [SUDO_CONF=/etc/sudo.conf] ./install.sh [socket=...] [timeout_ms=...] ...
# The words after the script name become the plugin's options on its sudo.conf line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sudo-conf.sh"

PREFIX=${PREFIX:-/usr/local}
libexec="$PREFIX/libexec/sudo"
so="$libexec/relay_audit.so"

for word in "$@"; do
    case $word in
    *[[:space:]]* | *'#'*) die "option '$word' may not contain white space or '#'" ;;
    *=*) ;;
    *) die "option '$word' is not key=value" ;;
    esac
done

[ "$(id -u)" = 0 ] || die "must run as root"
# The directories `make install` is about to create, innermost first, for uninstall.sh to remove.
created=
dir=$libexec
while [ ! -e "$dir" ]; do
    created="$created$dir
"
    dir=$(dirname "$dir")
done
make -s -C "$here" relay_audit.so || die "build failed"
make -s -C "$here" install PREFIX="$PREFIX" || die "install to $libexec failed"

# A user who can replace a directory on the path can replace the plugin, i.e. run code as root in
# every sudo call. Sticky root-owned directories such as /tmp are safe: others cannot rename in them.
dir=$libexec
while :; do
    owner=$(stat -c %u "$dir")
    mode=$((0$(stat -c %a "$dir")))
    [ "$owner" = 0 ] || die "$dir is not owned by root"
    if [ $((mode & 022)) -ne 0 ] && [ $((mode & 01000)) -eq 0 ]; then
        die "$dir is writable by group or others"
    fi
    [ "$dir" = / ] && break
    dir=$(dirname "$dir")
done

# sudo.conf without relay, for uninstall.sh: as it was before the first install, kept across re-installs
# while nobody else changes the file; after someone did, today's file minus the relay line.
saved=
new=
trap 'rm -f "$new" "$saved"' EXIT
if unchanged_since_install; then
    created="$(sed 1d "$STATE")
$created"
elif [ -e "$SUDO_CONF" ]; then
    saved=$(mktemp "$SUDO_CONF.XXXXXX") || die "cannot create a temporary file beside $SUDO_CONF"
    if grep -Eq "$RELAY_LINE" "$SUDO_CONF"; then conf_without_relay >"$saved"; else cp -p "$SUDO_CONF" "$saved"; fi ||
        die "cannot copy $SUDO_CONF"
else
    rm -f "$ORIG"
fi

new=$(mktemp "$SUDO_CONF.XXXXXX") || die "cannot create a temporary file beside $SUDO_CONF"
conf_without_relay >"$new"
# With no Plugin line sudo loads sudoers implicitly; adding ours would silently drop it, so make the
# sudoers lines explicit first.
if ! grep -Eq '^[[:space:]]*Plugin[[:space:]]' "$new"; then
    printf '%s\n' "Plugin sudoers_policy sudoers.so" "Plugin sudoers_io sudoers.so" \
        "Plugin sudoers_audit sudoers.so" >>"$new"
fi
line="Plugin relay_audit $so"
[ $# -gt 0 ] && line="$line $*"
printf '%s\n' "$line" >>"$new"

replace_sudo_conf "$new" "relay_audit plugin version" || exit 1
if [ -n "$saved" ]; then mv -f "$saved" "$ORIG" || die "cannot keep $ORIG"; fi
{ sum_of "$SUDO_CONF"; printf '%s' "$created" | sed '/^$/d'; } >"$STATE" || die "cannot write $STATE"
echo "relay_audit: installed $so and registered it in $SUDO_CONF"
