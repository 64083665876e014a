#!/usr/bin/env bash
# Installs what the notebooks need, each piece only when missing, at pinned versions:
#   - Debian's jupyter (nbconvert, nbclient, jupyter-client, ipykernel, nbformat), used as /usr/bin/python3 -m ...
#   - gonb v0.11.4, built in a throwaway module (the module proxy refuses `go install gonb@latest`)
#   - goimports (golang.org/x/tools v0.52.0) and gopls v0.23.0 (newer gopls needs a newer Go), which gonb runs
#   - the gonb kernel spec (`gonb --install`)
# Nothing is written into the repository. The throwaway module lives in $CANHBAO_GONB_TOOLS
# (default ~/.cache/canhbao-gonb); binaries go to $(go env GOPATH)/bin.
set -euo pipefail

GONB_VERSION=v0.11.4
XTOOLS_VERSION=v0.52.0
GOPLS_VERSION=v0.23.0
DEBIAN_PKGS=(python3-nbconvert python3-nbclient jupyter-client python3-ipykernel python3-nbformat)

export PATH="$PATH:/usr/local/go/bin"
GOBIN_DIR="$(go env GOPATH)/bin"
export PATH="$GOBIN_DIR:$PATH"
TOOLS="${CANHBAO_GONB_TOOLS:-$HOME/.cache/canhbao-gonb}"

say() { printf 'notebooks/setup: %s\n' "$*" >&2; }

# 1. Debian's jupyter. The python3 first on PATH may be another interpreter, so test /usr/bin/python3.
if ! /usr/bin/python3 -c 'import nbconvert, nbclient, nbformat, jupyter_client, ipykernel' 2>/dev/null; then
  missing=()
  for p in "${DEBIAN_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. goimports and gopls at fixed versions (both resolve through the proxy with go install pkg@version).
installed_version() { # binary module-path -> version recorded in the binary, or ""
  [ -x "$GOBIN_DIR/$1" ] || return 0
  go version -m "$GOBIN_DIR/$1" 2>/dev/null | awk -v m="$2" '$1 == "mod" && $2 == m {print $3}'
}
if [ "$(installed_version goimports golang.org/x/tools)" != "$XTOOLS_VERSION" ]; then
  say "go install golang.org/x/tools/cmd/goimports@$XTOOLS_VERSION"
  go install "golang.org/x/tools/cmd/goimports@$XTOOLS_VERSION"
fi
if [ "$(installed_version gopls golang.org/x/tools/gopls)" != "$GOPLS_VERSION" ]; then
  say "go install golang.org/x/tools/gopls@$GOPLS_VERSION"
  go install "golang.org/x/tools/gopls@$GOPLS_VERSION"
fi

# 3. gonb, built in a throwaway module at a fixed version.
if [ "$(installed_version gonb github.com/janpfeifer/gonb)" != "$GONB_VERSION" ]; then
  say "building gonb $GONB_VERSION in $TOOLS/gonb-build"
  rm -rf "$TOOLS/gonb-build"
  mkdir -p "$TOOLS/gonb-build"
  (
    cd "$TOOLS/gonb-build"
    go mod init canhbao.local/gonb-build >/dev/null 2>&1
    go get "github.com/janpfeifer/gonb@$GONB_VERSION"
    go build -o "$GOBIN_DIR/gonb" github.com/janpfeifer/gonb
  )
fi

# 4. The kernel spec. It records gonb's path; re-register when it is missing or points elsewhere.
spec=""
for d in "$HOME/.local/share/jupyter/kernels/gonb" /usr/local/share/jupyter/kernels/gonb /usr/share/jupyter/kernels/gonb; do
  [ -f "$d/kernel.json" ] && spec="$d/kernel.json" && break
done
if [ -z "$spec" ] || ! grep -q "\"$GOBIN_DIR/gonb\"" "$spec"; then
  say "gonb --install"
  (cd "$TOOLS" 2>/dev/null || cd /tmp; "$GOBIN_DIR/gonb" --install --logtostderr >/dev/null 2>&1 || "$GOBIN_DIR/gonb" --install)
fi
say "ready: gonb $GONB_VERSION, goimports (x/tools $XTOOLS_VERSION), gopls $GOPLS_VERSION"
