#!/usr/bin/env bash
# Checks the Debian packages Ledgerport needs beside Python (WeasyPrint's Pango and fonts, CJK glyphs,
# poppler to read PDFs back, zbar to decode QR codes, Chromium for browser tests, npm for the front-end
# assets) and installs the missing ones when running as root; otherwise stops naming the exact command.
# Used by `make demo` and `make test`, so a fresh machine needs nothing but these two commands.
set -euo pipefail

missing=()
# Listings are read once into variables: `cmd | grep -q` under pipefail fails when grep exits early.
libs="$(ldconfig -p 2>/dev/null || true)"
fonts="$( (command -v fc-list >/dev/null && fc-list 2>/dev/null) || true)"
have_lib() { grep -q -- "$1" <<<"$libs"; }
have_font() { grep -qi -- "$1" <<<"$fonts"; }

have_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
have_lib 'libjpeg.so.62' || missing+=(libjpeg62-turbo)
have_lib 'libopenjp2.so' || missing+=(libopenjp2-7)
command -v fc-list >/dev/null || missing+=(fontconfig)
have_font 'DejaVuSans' || missing+=(fonts-dejavu-core)
have_font 'NotoSans-Regular' || missing+=(fonts-noto-core)
have_font 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v zbarimg >/dev/null || missing+=(zbar-tools)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
# Debian's own Python needs python3-venv for `python3 -m venv` (pyenv and python.org builds carry it).
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
fi

echo "error: missing system packages: ${missing[*]}" >&2
echo "run:   sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
