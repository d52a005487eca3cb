#!/bin/sh
# Pin k8s.io/kubernetes and every staging module it replaces to one release.
#
# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0
# and points them at ./staging/src/... with replace directives. Replaces in a dependency are
# ignored, so a consuming module must repeat them with real versions. We derive the list from
# the tag's own go.mod instead of writing it by hand, because it changes between minors
# (1.36 added k8s.io/streaming and k8s.io/cri-streaming).
#
# Usage: hack/gen-replaces.sh v1.36.3     (run in e2e/kube-apiserver; then run go mod tidy)
set -eu
kube_version=${1:?usage: gen-replaces.sh <k8s.io/kubernetes version, e.g. v1.36.3>}
case $kube_version in
v1.*.*) ;;
*) echo "gen-replaces: expected a version like v1.36.3, got $kube_version" >&2; exit 2 ;;
esac
staging_version=v0.${kube_version#v1.}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

kube_gomod=$(go mod download -json "k8s.io/kubernetes@$kube_version" |
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
[ -f "$kube_gomod" ] || { echo "gen-replaces: no go.mod downloaded for k8s.io/kubernetes@$kube_version" >&2; exit 1; }

# Staging modules are the replace targets that point into ./staging/src/.
staging_modules=$(awk '$2 == "=>" && $3 ~ /^\.\/staging\/src\// { print $1 }' "$kube_gomod")
[ -n "$staging_modules" ] || { echo "gen-replaces: no staging replaces found in $kube_gomod" >&2; exit 1; }

# Drop replaces left from a previous version before adding the new ones.
for module in $(go mod edit -json | sed -n 's/^[[:space:]]*"Path": "\(k8s\.io\/[^"]*\)".*/\1/p' | sort -u); do
  go mod edit -dropreplace="$module" 2>/dev/null || true
done
go mod edit -require="k8s.io/kubernetes@$kube_version"
for module in $staging_modules; do
  # No version on the left: the replace must also cover k8s.io/kubernetes' v0.0.0 requirement.
  go mod edit -replace="$module=$module@$staging_version"
done
echo "gen-replaces: k8s.io/kubernetes $kube_version, $(echo "$staging_modules" | wc -l) staging modules at $staging_version"
