#!/usr/bin/env bash
# Debian packages cm-academy needs: bubblewrap (the sandbox every submission's kernel runs in),
# util-linux (setpriv, runuser), the PostgreSQL server (a throwaway server is started by the
# tests), Chromium (PDF reports; the browser tests of the public site and HR dashboard), a font
# with Chinese glyphs (charts and PDFs), and for the printable certificates' tests zbar-tools
# (zbarimg decodes the QR code) and poppler-utils (pdftoppm, pdftotext, pdfinfo read the PDF),
# and Node.js with npm for configurable-http-proxy, JupyterHub's proxy (`cmacademy hub`; the
# hub's browser test). Installs only what is missing; needs root (or sudo) for apt-get and npm.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
{ command -v runuser && command -v setpriv; } >/dev/null 2>&1 || need+=(util-linux)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
{ command -v pdftoppm && command -v pdftotext; } >/dev/null 2>&1 || need+=(poppler-utils)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

install_proxy() {
    if command -v configurable-http-proxy >/dev/null 2>&1; then
        return 0
    fi
    echo "system packages: installing configurable-http-proxy (npm)"
    $SUDO npm install --global --no-fund --no-audit configurable-http-proxy
}

if [ ${#need[@]} -eq 0 ]; then
    install_proxy
    echo "system packages: all present"
    exit 0
fi
# Another apt or dpkg run (unattended upgrades, a second install) holds their locks for a while:
# wait for it, saying so every LOCK_POLL_SECONDS (10 s), instead of failing at once.
LOCK_WAIT_SECONDS=${LOCK_WAIT_SECONDS:-900}
LOCK_POLL_SECONDS=${LOCK_POLL_SECONDS:-10}

with_apt_lock() {
    local waited=0 log
    log=$(mktemp)
    while true; do
        if "$@" 2>"$log"; then
            rm -f "$log"
            return 0
        fi
        if ! grep -qiE "could not get lock|unable to acquire the dpkg|is another process using it|locked by another process" "$log"; then
            cat "$log" >&2
            rm -f "$log"
            return 1
        fi
        if [ "$waited" -ge "$LOCK_WAIT_SECONDS" ]; then
            cat "$log" >&2
            echo "system packages: apt/dpkg still locked by another process after ${waited} s; run again when it has finished" >&2
            rm -f "$log"
            return 1
        fi
        echo "system packages: another apt/dpkg run holds the lock; waiting (${waited} s so far)"
        sleep "$LOCK_POLL_SECONDS"
        waited=$((waited + LOCK_POLL_SECONDS))
    done
}

echo "system packages: installing ${need[*]}"
with_apt_lock $SUDO apt-get -o DPkg::Lock::Timeout=60 update -qq
with_apt_lock env DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=60 install -y -qq \
    --no-install-recommends "${need[@]}"
install_proxy
