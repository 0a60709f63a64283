#!/bin/sh
# App: a small web app as Tomcat's ROOT context. `/` shows APP_VERSION, `/health` returns 200
# with "ok" for load balancer health checks. Expects the app's files uploaded to /tmp/webapp.
set -eu

: "${APP_VERSION:?APP_VERSION must be set}"
: "${WEBAPPS_DIR:?WEBAPPS_DIR must be set}"

root="$WEBAPPS_DIR/ROOT"
rm -rf "$root"
install -d -m 0755 "$root"
cp -R /tmp/webapp/. "$root/"
rm -rf /tmp/webapp

# The version goes into HTML: escape what HTML gives meaning to, then what sed's replacement
# gives meaning to (& \ and the | delimiter).
version=$(printf '%s' "$APP_VERSION" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g')
replacement=$(printf '%s' "$version" | sed -e 's/[&|\\]/\\&/g')
sed -e "s|@APP_VERSION@|$replacement|g" "$root/index.html.in" > "$root/index.html"
rm -f "$root/index.html.in"
printf '%s\n' "$APP_VERSION" > "$root/version"
chown -R root:root "$root"
