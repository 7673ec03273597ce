#!/usr/bin/env bash
# Debian packages cm-academy needs: bubblewrap (the sandbox every submission's kernel runs in),
# util-linux (setpriv, runuser) and the PostgreSQL server (a throwaway server is started by the
# tests). Installs only what is missing; needs root (or sudo) for apt-get.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
{ command -v runuser && command -v setpriv; } >/dev/null 2>&1 || need+=(util-linux)

if [ ${#need[@]} -eq 0 ]; then
    echo "system packages: all present"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
