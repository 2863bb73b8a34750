#!/usr/bin/env bash
# Installs the Debian packages that the tests use for real, when they are missing:
# chromium and chromium-driver (browser tests), nginx (static-site test), graphviz (diagrams).
# virtuoso-opensource-7-bin only (virtuoso-t, isql-vt: the remote-store tests run their own
# throwaway database, so the service package and its debconf password prompt are not needed).
# default-jre-headless (java) runs HermiT, the DL reasoner owlready2 ships, for `strategykg review`.
# wrk is the HTTP load generator of the server benchmark (benchmarks/server.py).
# apache2-bin only (the httpd binary and its modules, for the Apache static-site test: it runs
# its own throwaway configuration, so the apache2 service package is not needed).
set -euo pipefail
declare -A needs=([chromium]=chromium [chromedriver]=chromium-driver [nginx]=nginx [dot]=graphviz [virtuoso-t]=virtuoso-opensource-7-bin [java]=default-jre-headless [wrk]=wrk [apache2]=apache2-bin)
missing=()
for command in "${!needs[@]}"; do
  command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || missing+=("${needs[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing ${missing[*]}; install them with your package manager" >&2
  exit 2
fi
echo "install-system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
