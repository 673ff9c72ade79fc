#!/usr/bin/env bash
# The HTML test (tests/test_html.py) runs the Nu HTML Checker, vnu.jar: it needs Java 11 or later.
# Installs Debian's headless Java 17 with apt when run as root; otherwise says what to install.
set -euo pipefail
major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if command -v java >/dev/null && [ "$(major)" -ge 11 ] 2>/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "java: installing Debian's openjdk-17-jre-headless"
  # Wait for another apt run (say ensure-chromium.sh's) instead of failing on its lock.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends openjdk-17-jre-headless >/dev/null
  exit 0
fi
echo "java: Java 11 or later is missing (the HTML checker needs it). Install it" >&2
echo "      (Debian: sudo apt-get install openjdk-17-jre-headless), then run make test again." >&2
exit 1
