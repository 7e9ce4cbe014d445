#!/usr/bin/env bash
# Install the system packages procure's PDF records need: Pango (WeasyPrint's
# text layout), libharfbuzz-subset0 (fast font subsetting), a CJK font, and the
# fonts for what it lacks: emoji (fonts-noto-color-emoji) and the CJK extension
# ideographs beyond the BMP, Extension B to F (fonts-hanazono). A record that
# still holds characters no font draws prints with a warning naming them.
# The browser tests (tests/e2e/web) drive Debian's Chromium (chromium): Playwright
# is pointed at that binary and never downloads a browser of its own.
# As root on Debian/Ubuntu they are installed; otherwise they are named.
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils
          fonts-noto-color-emoji fonts-hanazono chromium)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "note: procure's PDF records (and, for chromium, the browser tests) need these" \
         "system packages; install them as root:" >&2
    echo "    apt-get install ${missing[*]}" >&2
fi
