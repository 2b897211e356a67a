#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when missing. Runs as root in CI.
# Services that Debian would start on install (prometheus on :9090, alertmanager on :9093,
# victoria-metrics on :8428) are kept from starting:
# tests start their own instances on free ports.
set -euo pipefail
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
# VictoriaMetrics (single node): the generated dashboards' queries are checked against it too.
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
# The dashboard's browser tests drive Debian's Chromium through playwright-core (no downloaded browser).
[ -x /usr/bin/chromium ] || need+=(chromium)
if ((${#need[@]} == 0)); then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]} (run as root, or install them: apt-get install ${need[*]})" >&2
  exit 1
fi
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
