#!/usr/bin/env bash
# Programs some tests run for real, from Debian's archive: nginx (the load
# balancer's configuration, test/deploy/load-balancer.test.ts) and zsh (the
# completion script, test/cli/completion.test.ts). Installs whichever is
# missing when this is a Debian machine we may install on; otherwise those
# tests fail and say how to provide it.
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || [ -n "${FF_NGINX:-}" ] || missing+=(nginx)
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "==> installing Debian's ${missing[*]} for the tests that run them"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
