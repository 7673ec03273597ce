#!/usr/bin/env bash
# Debian packages cm-academy needs: bubblewrap (the sandbox every submission's kernel runs in),
# util-linux (setpriv, runuser), the PostgreSQL server (a throwaway server is started by the
# tests), Chromium (PDF reports; the portal's browser tests) and a font with Chinese glyphs
# (charts and PDFs). Installs only what is missing; needs root (or sudo) for apt-get.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
{ command -v runuser && command -v setpriv; } >/dev/null 2>&1 || need+=(util-linux)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)

if [ ${#need[@]} -eq 0 ]; then
    echo "system packages: all present"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "system packages: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
