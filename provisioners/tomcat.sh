#!/bin/sh
# Middleware: Tomcat from Debian's packages (TOMCAT_PACKAGE, e.g. tomcat10), enabled at boot.
set -eu

: "${TOMCAT_PACKAGE:?TOMCAT_PACKAGE must be set}"
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq --no-install-recommends default-jre-headless "$TOMCAT_PACKAGE"
systemctl enable "$TOMCAT_PACKAGE"
apt-get clean
rm -rf /var/lib/apt/lists/*
