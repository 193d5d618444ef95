#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (playwright-core downloads no
# browser): install it when it is missing and this is a Debian machine we may
# install on; otherwise the browser test fails and says how to provide one.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${FF_CHROMIUM:-}" ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "==> installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
