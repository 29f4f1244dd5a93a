#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine: system packages
# (Chromium for the browser tests, raptor's rapper, a CJK font) and the Python venv.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
need=()
command -v rapper >/dev/null || need+=(raptor2-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v curl >/dev/null || need+=(curl ca-certificates)  # the README's Fuseki upload, run by tests/test_readme.py
fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[test]"
