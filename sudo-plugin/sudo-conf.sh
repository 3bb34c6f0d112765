# Shared by install.sh and uninstall.sh: safe replacement of sudo.conf.
# A broken sudo.conf locks everyone out of sudo, so every change is tried live and rolled back unless
# `sudo -V` still loads every plugin (and, when it did before, `sudo -n /bin/true` still runs).

SUDO_CONF=${SUDO_CONF:-/etc/sudo.conf}
SUDO=${SUDO:-sudo}

die() {
    echo "relay_audit: $*" >&2
    exit 1
}

# Prints "ok" if root could run a command through sudo without a password, for a before/after check.
# RELAY_PROBE=1 marks the call as a self-check, so relay sends it to no notifier.
sudo_runs() {
    if RELAY_PROBE=1 "$SUDO" -n /bin/true >/dev/null 2>&1; then echo ok; else echo no; fi
}

# replace_sudo_conf NEWFILE EXPECT: installs NEWFILE as $SUDO_CONF (an empty NEWFILE: removes
# $SUDO_CONF), keeps the change only if sudo still works and `sudo -V` output matches the extended regex
# EXPECT (empty EXPECT: no match required).
replace_sudo_conf() {
    new=$1
    expect=$2
    [ "$(id -u)" = 0 ] || die "must run as root"
    before=$(sudo_runs)
    backup="$SUDO_CONF.relay-backup"
    if [ -e "$SUDO_CONF" ]; then cp -p "$SUDO_CONF" "$backup" || die "cannot back up $SUDO_CONF"; fi
    if [ -n "$new" ]; then
        chown root:root "$new" && chmod 0644 "$new" || die "cannot set owner/mode on $new"
        mv -f "$new" "$SUDO_CONF" || die "cannot write $SUDO_CONF"
    else
        rm -f "$SUDO_CONF" || die "cannot remove $SUDO_CONF"
    fi
    version=$("$SUDO" -V 2>&1)
    status=$?
    ok=yes
    [ $status = 0 ] || ok=no
    if [ -n "$expect" ] && ! printf '%s\n' "$version" | grep -Eq "$expect"; then ok=no; fi
    if [ "$before" = ok ] && [ "$(sudo_runs)" != ok ]; then ok=no; fi
    if [ $ok = no ]; then
        if [ -e "$backup" ]; then mv -f "$backup" "$SUDO_CONF"; else rm -f "$SUDO_CONF"; fi
        printf '%s\n' "$version" >&2
        die "sudo did not work with the new $SUDO_CONF; the previous file was restored"
    fi
    rm -f "$backup"
}

RELAY_LINE='^[[:space:]]*Plugin[[:space:]]+relay_audit([[:space:]]|$)'

# Copy of $SUDO_CONF without any relay_audit Plugin line, on stdout.
conf_without_relay() {
    [ -e "$SUDO_CONF" ] || return 0
    grep -Ev "$RELAY_LINE" "$SUDO_CONF"
}

# What install.sh records so that uninstall.sh can put sudo.conf back byte for byte:
#   $ORIG   sudo.conf as it was before the first install (absent: there was no sudo.conf)
#   $STATE  line 1: the sha256 of sudo.conf as install left it; then the directories install created
ORIG="$SUDO_CONF.relay-orig"
STATE="$SUDO_CONF.relay-install"

sum_of() {
    if [ -e "$1" ]; then sha256sum <"$1" | cut -d' ' -f1; else echo absent; fi
}

# True when sudo.conf is still exactly as the last install left it.
unchanged_since_install() {
    [ -e "$STATE" ] && [ "$(sum_of "$SUDO_CONF")" = "$(sed -n 1p "$STATE")" ]
}
