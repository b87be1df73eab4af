#!/usr/bin/env bash
# Builds ttyd 1.7.7 from Debian's source package into ~/.cache/kindlab/ttyd/ (outside the repo), so
# that bench/terminal.ts can compare our terminal with it. Needs root (apt). Idempotent.
set -euo pipefail

VERSION="1.7.7"
# From Debian's Sources index for ttyd 1.7.7-8.
ORIG_SHA256="48eba3f76af237f4c09cceb5ddbe0f845832557819f7e5c60c88285f8822af88"
DEST="${KINDLAB_TTYD_DIR:-$HOME/.cache/kindlab/ttyd}"
SRC_LIST=/etc/apt/sources.list.d/kindlab-ttyd-src.sources

if [[ -x "$DEST/ttyd" ]] && "$DEST/ttyd" --version 2>/dev/null | grep -q "$VERSION"; then
  echo "ttyd $VERSION already built: $DEST/ttyd"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "build-ttyd: needs root for apt-get (build dependencies and the source package)" >&2
  exit 1
fi

# The Debian mirror this machine already uses (first URI of its main archive in apt's sources), so no
# mirror host is written here.
debian_mirror() {
  local files=(/etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  local f uri
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    case "$f" in
    *.sources) uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f") ;;
    *) uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f") ;;
    esac
    if [[ -n "$uri" ]]; then
      echo "$uri"
      return 0
    fi
  done
  return 1
}

# Bookworm has no ttyd package; its source package lives in Debian unstable. Only a deb-src entry is
# added: nothing binary is installed from unstable, the build uses bookworm's libraries.
if ! apt-cache showsrc ttyd 2>/dev/null | grep -q "^Version: ${VERSION}"; then
  if ! MIRROR=$(debian_mirror); then
    echo "build-ttyd: no Debian archive found in /etc/apt/sources.list{,.d}; add one, then run again" >&2
    exit 1
  fi
  cat >"$SRC_LIST" <<SRC
Types: deb-src
URIs: ${MIRROR}
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq
fi

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends \
  dpkg-dev cmake make gcc pkg-config xz-utils \
  libwebsockets-dev libjson-c-dev libuv1-dev libssl-dev zlib1g-dev >/dev/null

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# --download-only: we build the upstream tarball ourselves with cmake (no debhelper needed), so only
# the .orig tarball matters; some mirrors lack the .dsc/.debian parts, hence the tolerated failure.
apt-get source --download-only "ttyd" >/dev/null 2>&1 || true
ORIG="ttyd_${VERSION}.orig.tar.xz"
if [[ ! -f "$ORIG" ]]; then
  echo "build-ttyd: apt-get source did not deliver $ORIG (is a deb-src entry for sid present?)" >&2
  exit 1
fi
echo "$ORIG_SHA256  $ORIG" | sha256sum -c --quiet -
tar -xf "$ORIG"
cd "ttyd-${VERSION}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

mkdir -p "$DEST"
install -m 0755 build/ttyd "$DEST/ttyd"
echo "built: $("$DEST/ttyd" --version) -> $DEST/ttyd"
