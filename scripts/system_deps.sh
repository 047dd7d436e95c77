#!/usr/bin/env bash
# Installs the Debian packages that the Python requirements build against, when they are missing.
# mysqlclient (the MariaDB tier; Open edX's own MySQL driver) compiles against libmariadb-dev.
set -euo pipefail
missing=()
command -v mariadb_config >/dev/null 2>&1 || command -v mysql_config >/dev/null 2>&1 || missing+=(libmariadb-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install these system packages first: ${missing[*]} (Debian/Ubuntu names)." >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
