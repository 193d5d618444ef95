#!/usr/bin/env bash
# The load-balancer test runs deploy/nginx/nginx.conf in a real nginx: install
# Debian's when it is missing and this is a Debian machine we may install on;
# otherwise the test fails and says how to provide one.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || [ -n "${FF_NGINX:-}" ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "==> installing Debian's nginx for the load-balancer test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
