#!/bin/sh
# Log shipper: rsyslog's imfile tails Tomcat's logs the way a fluentd in_tail source would, and
# writes them to /var/log/tomcat-shipped, or forwards them over TCP to LOG_FORWARD_TARGET
# (host:port) when it is set. Expects the imfile config uploaded to /tmp/tomcat-imfile.conf.
set -eu

: "${TOMCAT_PACKAGE:?TOMCAT_PACKAGE must be set}"
LOG_FORWARD_TARGET="${LOG_FORWARD_TARGET:-}"
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq --no-install-recommends rsyslog
apt-get clean
rm -rf /var/lib/apt/lists/*

forward=''
if [ -n "$LOG_FORWARD_TARGET" ]; then
  host=${LOG_FORWARD_TARGET%:*}
  port=${LOG_FORWARD_TARGET##*:}
  case "$port" in
    ''|*[!0-9]*) echo "LOG_FORWARD_TARGET must be host:port, got: $LOG_FORWARD_TARGET" >&2; exit 1 ;;
  esac
  case "$host" in
    *[!A-Za-z0-9.-]*|'') echo "LOG_FORWARD_TARGET host may hold letters, digits, dots and dashes only" >&2; exit 1 ;;
  esac
  forward="action(type=\"omfwd\" target=\"$host\" port=\"$port\" protocol=\"tcp\")"
fi

install -d -m 0750 /var/log/tomcat-shipped
sed -e "s|@TOMCAT@|$TOMCAT_PACKAGE|g" -e "s|@FORWARD@|$forward|" /tmp/tomcat-imfile.conf > /etc/rsyslog.d/30-tomcat.conf
rm -f /tmp/tomcat-imfile.conf
rsyslogd -N1 -f /etc/rsyslog.conf
systemctl enable rsyslog
