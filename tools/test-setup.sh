#!/usr/bin/env bash
# What the browser and HTML tests need beyond the Python packages, installed only when missing:
# Debian's chromium (a browser download cannot work here), Java for the Nu HTML checker,
# and the checker itself from the npm registry (package.json).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "test-setup: please install: ${need_apt[*]} (Debian packages)" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "test-setup: installing ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "test-setup: installing the Nu HTML checker (npm ci)"
  npm ci --no-audit --no-fund --silent
fi
