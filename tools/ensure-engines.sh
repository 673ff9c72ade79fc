#!/usr/bin/env bash
# The other browser engines the tests run the page in: Debian's Firefox ESR (driven over WebDriver
# BiDi, tools/engines.py) and WebKitGTK (its WebKitWebDriver, under a virtual X display).
# Installs what is missing with apt when run as root; otherwise says what to install and fails.
set -euo pipefail
FIREFOX=${FIREFOX:-/usr/bin/firefox-esr}
WEBKIT_DRIVER=${WEBKIT_DRIVER:-/usr/bin/WebKitWebDriver}

missing=()
[ -x "$FIREFOX" ] || missing+=(firefox-esr)
[ -x "$WEBKIT_DRIVER" ] || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xauth >/dev/null || missing+=(xauth)
if [ ${#missing[@]} = 0 ]; then exit 0; fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "engines: installing ${missing[*]} from Debian"
  # Wait for another apt run (say ensure-chromium.sh's) instead of failing on its lock.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "engines: missing ${missing[*]}." >&2
if [ "$(id -u)" != 0 ]; then
  echo "         Not root, so not installing them here." >&2
else
  echo "         apt-get is not available to install them." >&2
fi
echo "         Debian: sudo apt-get install ${missing[*]}" >&2
echo "         (or set FIREFOX=/path/to/firefox, WEBKIT_DRIVER=/path/to/WebKitWebDriver)," >&2
echo "         then run make test again." >&2
exit 1
