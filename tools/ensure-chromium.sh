#!/usr/bin/env bash
# Playwright drives Debian's Chromium (its own browser download cannot work offline here).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "browser: installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "browser: $CHROMIUM is missing. Install Chromium (Debian: sudo apt-get install chromium)," >&2
echo "         or set CHROMIUM=/path/to/chromium, then run make test again." >&2
exit 1
