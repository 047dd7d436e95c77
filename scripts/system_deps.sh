#!/usr/bin/env bash
# Installs the Debian packages the project needs (most are what the Python requirements build against), when they
# are missing.
# mysqlclient (the MariaDB tier; Open edX's own MySQL driver) compiles against libmariadb-dev.
# GNU gettext (msgfmt, xgettext) extracts and compiles the message catalogues (`make translations`, and the test
# that the catalogues match the code); installing the plugin needs none of it, the compiled catalogues are shipped.
set -euo pipefail
missing=()
command -v mariadb_config >/dev/null 2>&1 || command -v mysql_config >/dev/null 2>&1 || missing+=(libmariadb-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install these system packages first: ${missing[*]} (Debian/Ubuntu names)." >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
