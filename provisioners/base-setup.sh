#!/bin/sh
# OS base: the settings every layer above relies on. Runs as root in a freshly bootstrapped
# Debian; safe to run again.
set -eu

: "${DEBIAN_MIRROR:?DEBIAN_MIRROR must be set}"
: "${DEBIAN_SUITE:?DEBIAN_SUITE must be set}"
export DEBIAN_FRONTEND=noninteractive

# apt sources with security updates: every rebuild of the base picks up what was fixed since.
cat > /etc/apt/sources.list <<SOURCES
deb $DEBIAN_MIRROR $DEBIAN_SUITE main
deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main
deb http://security.debian.org/debian-security $DEBIAN_SUITE-security main
SOURCES

# Images are immutable: updates arrive by rebuilding, never in place. The daily apt timers would
# also take the dpkg lock in the middle of a later layer's provisioning.
systemctl disable --now apt-daily.timer apt-daily-upgrade.timer 2>/dev/null || true

ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime
echo 'Etc/UTC' > /etc/timezone

apt-get update -qq
apt-get upgrade -y -qq
apt-get clean
rm -rf /var/lib/apt/lists/*
