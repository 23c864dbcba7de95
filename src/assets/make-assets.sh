#!/usr/bin/env bash
# Generates the binaries the mrt jar embeds, into src/main/resources/assets/<arch>/:
#   runc.zst        statically linked runc (seccomp, netgo, osusergo), zstd -19
#   rootfs.tar.zst  Debian bookworm + python3-minimal, made by mmdebstrap
#   mrt-handoff.zst static helper that starts warm containers' jobs (handoff/)
# each with <file>.sha256 (sha256sum format) and <file>.info (key=value provenance).
#
# Everything comes from Debian's archive (no Go module proxy, no Docker), so the
# result is reproducible while the mirror is unchanged. Because the mirror does
# change, finished outputs are cached outside the tree under a key made of this
# script's hash and the exact Debian package versions that go in: a rerun with
# the same inputs only copies files.
#
# runc: the newest runc Debian carries is forky's (testing) 1.3.6 (trixie has
# 1.1.15, bookworm 1.1.5). Its sources, the Go dependency -dev packages and
# forky's Go are downloaded with a private APT config into a temp dir and unpacked
# with dpkg-deb -x; nothing is installed system-wide and the system's dpkg
# architecture list is never touched. libseccomp.a comes from bookworm's
# libseccomp-dev .deb of the target arch, fetched the same way, so amd64 and arm64
# are built by the same steps (arm64 cross-compiled). Bookworm's libseccomp
# (2.5.4) is new enough for runc 1.3 and, unlike forky's, was built against the
# same glibc (bookworm's) that the static link uses.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: src/assets/make-assets.sh [--arch amd64|arm64|all] [--force] [--if-missing]
  --arch        which architecture(s) to generate (default: all)
  --force       rebuild even when the cache holds outputs for the same inputs
  --if-missing  do nothing when every asset exists and matches its .sha256
Cache: ${MRT_ASSET_CACHE:-$HOME/.cache/mrt-assets}
USAGE
}

readonly SCRIPT="$(readlink -f "${BASH_SOURCE[0]}")"
readonly REPO="$(cd "$(dirname "$SCRIPT")/../.." && pwd)"
readonly OUT_ROOT="$REPO/src/main/resources/assets"
readonly CACHE_ROOT="${MRT_ASSET_CACHE:-$HOME/.cache/mrt-assets}"
readonly ASSETS=(runc.zst rootfs.tar.zst mrt-handoff.zst)
readonly HANDOFF_DIR="$REPO/src/assets/handoff"
# One digest of the helper's sources, names and contents, for its cache key and .info.
handoff_source_sha256() { (cd "$HANDOFF_DIR" && sha256sum -- *.c *.h) | sha256sum | cut -c1-64; }
readonly MIRROR=http://deb.debian.org/debian
readonly SECURITY_MIRROR=http://deb.debian.org/debian-security
readonly ROOTFS_SUITE=bookworm
readonly RUNC_SUITE=forky
readonly RUNC_SOURCE_PACKAGE=golang-github-opencontainers-runc-dev
# runc's own Makefile builds with "seccomp urfave_cli_no_docs" (the latter drops
# urfave/cli's man-page generator and its md2man dependency); netgo and osusergo
# are what its static target adds so that no glibc NSS code is linked in.
readonly GO_TAGS="seccomp urfave_cli_no_docs netgo osusergo"
# Fixed so that tar member times and the zstd frames do not depend on the day.
export SOURCE_DATE_EPOCH=1700000000

log() { echo "make-assets: $*" >&2; }
die() { echo "make-assets: error: $*" >&2; exit 1; }

arches=(amd64 arm64)
force=false
if_missing=false
while (($#)); do
  case "$1" in
    --arch)
      [[ $# -ge 2 ]] || die "--arch needs a value: amd64, arm64 or all"
      case "$2" in
        all) arches=(amd64 arm64) ;;
        amd64 | arm64) arches=("$2") ;;
        *) die "unknown --arch '$2': use amd64, arm64 or all" ;;
      esac
      shift 2 ;;
    --arch=*) set -- --arch "${1#--arch=}" "${@:2}" ;;
    --force) force=true; shift ;;
    --if-missing) if_missing=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown option '$1'" ;;
  esac
done

# True when an asset, its .sha256 and .info exist in DIR and the checksum matches.
asset_ok() {
  local dir="$1" asset="$2"
  [[ -f "$dir/$asset" && -f "$dir/$asset.sha256" && -f "$dir/$asset.info" ]] &&
    (cd "$dir" && sha256sum --quiet --status -c "$asset.sha256")
}

# True when every asset of ARCH is in the tree, checked, and the helper built from this
# tree's source (an edit to it must not go unbuilt).
present_here() {
  local arch="$1" asset
  for asset in "${ASSETS[@]}"; do asset_ok "$OUT_ROOT/$arch" "$asset" || return 1; done
  grep -qx "source_sha256=$(handoff_source_sha256)" "$OUT_ROOT/$arch/mrt-handoff.zst.info"
}

all_present() {
  local arch
  for arch in "${arches[@]}"; do present_here "$arch" || return 1; done
}

# Fast path for the Maven build: no network, no temp dirs, just checksums.
if $if_missing && all_present; then
  exit 0
fi

[[ "$(dpkg --print-architecture)" == amd64 ]] ||
  die "builds on an amd64 Debian host only (arm64 is cross-compiled); this host is $(dpkg --print-architecture)"

# Host build dependencies, as "command-or-file:package". Go itself is not here:
# forky's Go is unpacked into the temp dir.
ensure_build_deps() {
  local deps=(
    mmdebstrap:mmdebstrap zstd:zstd file:file pkg-config:pkg-config gcc:gcc
    /usr/include/stdio.h:libc6-dev
    aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu
    /usr/aarch64-linux-gnu/include/stdio.h:libc6-dev-arm64-cross
  )
  # mmdebstrap's unshare mode (used when not root) needs newuidmap.
  ((EUID == 0)) || deps+=(newuidmap:uidmap)
  local dep probe pkg missing=()
  for dep in "${deps[@]}"; do
    probe="${dep%%:*}" pkg="${dep#*:}"
    if [[ "$probe" == /* ]]; then [[ -e "$probe" ]] && continue
    else command -v "$probe" >/dev/null && continue; fi
    missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    die "missing build dependencies; run: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  log "installing build dependencies: ${missing[*]}"
  local unknown=false
  for pkg in "${missing[@]}"; do
    apt-cache show "$pkg" >/dev/null 2>&1 || unknown=true
  done
  if $unknown; then apt-get update -q >&2; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mrt-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# A private APT setup in $WORK/apt-NAME: own sources, lists, cache and an empty
# dpkg status, so downloads and dependency resolution never touch the system.
# usage: private_apt NAME ARCH "deb ..." ...   (prints the APT_CONFIG path)
private_apt() {
  local name="$1" arch="$2"; shift 2
  local dir="$WORK/apt-$name"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/preferences.d" "$dir/sources.list.d"
  printf '%s\n' "$@" >"$dir/sources.list"
  : >"$dir/status"
  cat >"$dir/apt.conf" <<CONF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/sources.list.d";
Dir::Etc::PreferencesParts "$dir/preferences.d";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Install-Recommends "false";
APT::Sandbox::User "root";
CONF
  APT_CONFIG="$dir/apt.conf" apt-get update -qq >&2 || die "apt-get update failed for $name ($*)"
  echo "$dir/apt.conf"
}

# Candidate version of a package in a private APT setup.
candidate() {
  APT_CONFIG="$1" apt-cache show --no-all-versions "$2" 2>/dev/null | awk '/^Version:/ {print $2; exit}'
}

# "name=version" of every package apt would install into an empty system.
resolve() {
  local conf="$1"; shift
  APT_CONFIG="$conf" apt-get -s -qq install "$@" 2>/dev/null |
    sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | LC_ALL=C sort
}

# Downloads the given packages and unpacks them with dpkg-deb -x into DEST.
fetch_unpack() {
  local conf="$1" dest="$2"; shift 2
  local debs="$WORK/debs-$(basename "$dest")"
  mkdir -p "$debs" "$dest"
  (cd "$debs" && APT_CONFIG="$conf" apt-get download -qq "$@" >&2) || die "could not download: $*"
  local deb
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$dest"; done
}

host_version() { dpkg-query -W -f '${Version}' "$1"; }

readonly SCRIPT_HASH="$(sha256sum "$SCRIPT" | cut -c1-64)"
cache_key() { { echo "$SCRIPT_HASH"; cat; } | sha256sum | cut -c1-32; }

# Writes <asset>.sha256 next to an asset.
write_sha256() { (cd "$(dirname "$1")" && sha256sum "$(basename "$1")" >"$(basename "$1").sha256"); }

# Moves a finished build dir into the cache atomically, so that a cache entry is
# either complete or absent.
store_in_cache() {
  local built="$1" key="$2"
  mkdir -p "$CACHE_ROOT"
  local tmp; tmp="$(mktemp -d "$CACHE_ROOT/.tmp-$key.XXXXXX")"
  cp -a "$built"/. "$tmp"/
  rm -rf "${CACHE_ROOT:?}/$key"
  mv -T "$tmp" "$CACHE_ROOT/$key"
}

install_from_cache() {
  local key="$1" arch="$2" asset="$3"
  mkdir -p "$OUT_ROOT/$arch"
  cp "$CACHE_ROOT/$key/$asset" "$CACHE_ROOT/$key/$asset.sha256" "$CACHE_ROOT/$key/$asset.info" "$OUT_ROOT/$arch/"
  asset_ok "$OUT_ROOT/$arch" "$asset" || die "cache entry $CACHE_ROOT/$key is corrupt; rerun with --force"
  log "$arch/$asset ready ($(du -h "$OUT_ROOT/$arch/$asset" | cut -f1), sha256 $(cut -c1-12 "$OUT_ROOT/$arch/$asset.sha256"))"
}

# usage: cached KEY ARCH ASSET BUILD-FUNCTION
cached() {
  local key="$1" arch="$2" asset="$3" build="$4"
  if ! $force && asset_ok "$CACHE_ROOT/$key" "$asset"; then
    log "$arch/$asset: inputs unchanged, copying from cache $CACHE_ROOT/$key"
  else
    local out="$WORK/out-$asset-$arch"
    mkdir -p "$out"
    log "$arch/$asset: building (cache key $key)"
    "$build" "$arch" "$out"
    write_sha256 "$out/$asset"
    echo "cache_key=$key" >>"$out/$asset.info"
    store_in_cache "$out" "$key"
  fi
  install_from_cache "$key" "$arch" "$asset"
}

gnu_triplet() { case "$1" in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac; }
cross_gcc() { case "$1" in amd64) echo gcc ;; arm64) echo gcc-aarch64-linux-gnu ;; esac; }
libc_dev() { case "$1" in amd64) echo libc6-dev ;; arm64) echo libc6-dev-arm64-cross ;; esac; }

# ---------------------------------------------------------------- runc

runc_apt=""     # forky, host arch: runc sources + Go
seccomp_apt=()  # bookworm, per target arch: libseccomp-dev
runc_pkgs=()    # runc's source package, its Go dependencies and Go, as name=version

prepare_runc_inputs() {
  [[ -n "$runc_apt" ]] && return
  runc_apt="$(private_apt runc amd64 "deb $MIRROR $RUNC_SUITE main")"
  # Every golang-* package the runc sources and golang-go pull in: the Go
  # dependency sources (GOPATH layout in /usr/share/gocode) and the toolchain.
  mapfile -t runc_pkgs < <(resolve "$runc_apt" "$RUNC_SOURCE_PACKAGE" golang-go | grep '^golang-')
  ((${#runc_pkgs[@]} > 2)) || die "could not resolve $RUNC_SOURCE_PACKAGE in $RUNC_SUITE"
}

runc_key() {
  local arch="$1" seccomp_version
  seccomp_version="$(candidate "$(seccomp_conf "$arch")" libseccomp-dev)"
  {
    echo "runc $arch"
    printf '%s\n' "${runc_pkgs[@]}"
    echo "libseccomp-dev=$seccomp_version"
    echo "$(cross_gcc "$arch")=$(host_version "$(cross_gcc "$arch")")"
    echo "$(libc_dev "$arch")=$(host_version "$(libc_dev "$arch")")"
  } | cache_key
}

seccomp_conf() {
  local arch="$1" conf="$WORK/apt-seccomp-$arch/apt.conf"
  [[ -f "$conf" ]] || private_apt "seccomp-$arch" "$arch" "deb $MIRROR $ROOTFS_SUITE main" >/dev/null
  echo "$conf"
}

build_runc() {
  local arch="$1" out="$2"
  local go_root="$WORK/go-toolchain" seccomp_root="$WORK/seccomp-$arch"
  if [[ ! -d "$go_root" ]]; then
    log "downloading $RUNC_SUITE's runc sources and Go (${#runc_pkgs[@]} packages)"
    fetch_unpack "$runc_apt" "$go_root" "${runc_pkgs[@]%%=*}"
  fi
  fetch_unpack "$(seccomp_conf "$arch")" "$seccomp_root" libseccomp-dev
  local goroot; goroot="$(ls -d "$go_root"/usr/lib/go-1.* | sort -V | tail -1)"
  local runc_deb_version; runc_deb_version="$(printf '%s\n' "${runc_pkgs[@]}" | sed -n "s/^$RUNC_SOURCE_PACKAGE=//p")"
  local version="${runc_deb_version%%+*}"
  # Since 1.2 runc embeds its VERSION file (go:embed) rather than taking
  # -X main.version; check that it agrees with the Debian version.
  local runc_src="$go_root/usr/share/gocode/src/github.com/opencontainers/runc"
  [[ "$(tr -d '[:space:]' <"$runc_src/VERSION")" == "$version" ]] ||
    die "$runc_src/VERSION says $(cat "$runc_src/VERSION"), the Debian package $runc_deb_version"
  # -buildid= : the Go build ID hashes the (random) temp paths; without it two builds differ.
  local ldflags="-s -w -buildid= -extldflags -static"
  local cc=gcc
  [[ "$arch" == arm64 ]] && cc=aarch64-linux-gnu-gcc
  log "compiling runc $version for $arch with $("$goroot/bin/go" version | cut -d' ' -f3)"
  # GO111MODULE=off + GOPATH: build from the Debian-packaged sources only.
  # PKG_CONFIG_*: libseccomp-golang asks pkg-config for libseccomp; point it at the
  # unpacked .deb of the target arch (the sysroot prefix makes -I/-L absolute).
  env -u GOFLAGS GOROOT="$goroot" PATH="$goroot/bin:$PATH" GOCACHE="$WORK/gocache" \
    GO111MODULE=off GOPATH="$go_root/usr/share/gocode" GOPROXY=off GOTOOLCHAIN=local \
    CGO_ENABLED=1 GOOS=linux GOARCH="$arch" CC="$cc" \
    PKG_CONFIG_LIBDIR="$seccomp_root/usr/lib/$(gnu_triplet "$arch")/pkgconfig" \
    PKG_CONFIG_SYSROOT_DIR="$seccomp_root" \
    go build -trimpath -tags "$GO_TAGS" -ldflags "$ldflags" -o "$WORK/runc-$arch" \
    github.com/opencontainers/runc >&2
  local kind; kind="$(file -b "$WORK/runc-$arch")"
  [[ "$kind" == *"statically linked"* ]] || die "runc for $arch is not statically linked: $kind"
  log "runc $arch: $kind"
  if [[ "$arch" == "$(dpkg --print-architecture)" ]]; then
    local reported; reported="$("$WORK/runc-$arch" --version)"
    [[ "${reported%%$'\n'*}" == "runc version $version" ]] ||
      die "runc for $arch does not report version $version: ${reported%%$'\n'*}"
  fi
  zstd -q -19 -T1 -o "$out/runc.zst" "$WORK/runc-$arch"
  cat >"$out/runc.zst.info" <<INFO
asset=runc.zst
arch=$arch
version=$version
source_package=$RUNC_SOURCE_PACKAGE
source_version=$runc_deb_version
suite=$RUNC_SUITE
go=$("$goroot/bin/go" version | cut -d' ' -f3)
libseccomp=libseccomp-dev $(candidate "$(seccomp_conf "$arch")" libseccomp-dev) ($ROOTFS_SUITE $arch, static)
compiler=$(cross_gcc "$arch") $(host_version "$(cross_gcc "$arch")")
build_command=GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off CGO_ENABLED=1 GOARCH=$arch CC=$cc go build -trimpath -tags "$GO_TAGS" -ldflags "$ldflags" github.com/opencontainers/runc
compression=zstd -19
sha256_uncompressed=$(sha256sum "$WORK/runc-$arch" | cut -c1-64)
size_uncompressed=$(stat -c %s "$WORK/runc-$arch")
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
INFO
}

# ---------------------------------------------------------------- mrt-handoff

# The sources and the exact compiler, C library and static libraries make the key.
handoff_key() {
  local arch="$1" lib
  {
    echo "mrt-handoff $arch"
    handoff_source_sha256
    for lib in "${HANDOFF_LIBS[@]}"; do echo "$lib=$(candidate "$(seccomp_conf "$arch")" "$lib")"; done
    echo "$(cross_gcc "$arch")=$(host_version "$(cross_gcc "$arch")")"
    echo "$(libc_dev "$arch")=$(host_version "$(libc_dev "$arch")")"
  } | cache_key
}

# libseccomp as runc links it (the helper compiles warm containers' filters as runc
# would); for --unpack libarchive (tar reading, disk writing), the libacl it refers to
# and libzstd. All from $ROOTFS_SUITE, for the target arch.
readonly HANDOFF_LIBS=(libseccomp-dev libarchive-dev libacl1-dev libzstd-dev)
readonly HANDOFF_ARCHIVES=(libseccomp.a libarchive.a libacl.a libzstd.a)
readonly HANDOFF_SOURCES=(mrt-handoff.c unpack.c unzstd.c)

# Static against glibc and those libraries, stripped, no build id, source path fixed:
# the same compiler, libc and library packages give the same bytes.
readonly HANDOFF_CFLAGS="-Os -static -s -Wall -Wextra -Werror -Wl,--build-id=none"
build_handoff() {
  local arch="$1" out="$2"
  local cc=gcc
  [[ "$arch" == arm64 ]] && cc=aarch64-linux-gnu-gcc
  local libs_root="$WORK/handoff-libs-$arch" lib
  [[ -d "$libs_root" ]] || fetch_unpack "$(seccomp_conf "$arch")" "$libs_root" "${HANDOFF_LIBS[@]}"
  local libdir="$libs_root/usr/lib/$(gnu_triplet "$arch")"
  # shellcheck disable=SC2086 # the flags are words
  (cd "$HANDOFF_DIR" && "$cc" $HANDOFF_CFLAGS -ffile-prefix-map="$HANDOFF_DIR"=. \
    -I"$libs_root/usr/include" -o "$WORK/mrt-handoff-$arch" "${HANDOFF_SOURCES[@]}" \
    "${HANDOFF_ARCHIVES[@]/#/$libdir/}") ||
    die "mrt-handoff for $arch did not compile"
  local kind; kind="$(file -b "$WORK/mrt-handoff-$arch")"
  [[ "$kind" == *"statically linked"* ]] || die "mrt-handoff for $arch is not statically linked: $kind"
  zstd -q -19 -T1 -o "$out/mrt-handoff.zst" "$WORK/mrt-handoff-$arch"
  {
    echo "asset=mrt-handoff.zst"
    echo "arch=$arch"
    echo "source=src/assets/handoff/ (${HANDOFF_SOURCES[*]} and their headers)"
    echo "source_sha256=$(handoff_source_sha256)"
    echo "compiler=$(cross_gcc "$arch") $(host_version "$(cross_gcc "$arch")")"
    echo "libc=$(libc_dev "$arch") $(host_version "$(libc_dev "$arch")")"
    for lib in "${HANDOFF_LIBS[@]}"; do
      echo "${lib%-dev}=$lib $(candidate "$(seccomp_conf "$arch")" "$lib") ($ROOTFS_SUITE $arch, static)"
    done
    echo "build_command=$cc $HANDOFF_CFLAGS -ffile-prefix-map=src/assets/handoff=. ${HANDOFF_SOURCES[*]} ${HANDOFF_ARCHIVES[*]}"
    echo "compression=zstd -19"
    echo "sha256_uncompressed=$(sha256sum "$WORK/mrt-handoff-$arch" | cut -c1-64)"
    echo "size_uncompressed=$(stat -c %s "$WORK/mrt-handoff-$arch")"
    echo "build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$out/mrt-handoff.zst.info"
}

# ---------------------------------------------------------------- rootfs

readonly ROOTFS_INCLUDE=python3-minimal
# The merged-usr hook provides usr-is-merged; naming it makes apt pick it over
# usrmerge (which drags in Perl) when resolving the package set below.
readonly ROOTFS_RESOLVE_EXTRA=usr-is-merged
declare -A rootfs_apt=()
declare -A rootfs_pkgs=()

rootfs_sources() {
  printf '%s\n' "deb $MIRROR $ROOTFS_SUITE main" "deb $MIRROR $ROOTFS_SUITE-updates main" \
    "deb $SECURITY_MIRROR $ROOTFS_SUITE-security main"
}

# The Essential:yes packages of the suite: what --variant=essential installs.
essential_packages() {
  local conf="$1"
  APT_CONFIG="$conf" apt-cache dumpavail 2>/dev/null |
    awk '/^Package:/ {p=$2} /^Essential: yes/ {print p}' | LC_ALL=C sort -u
}

prepare_rootfs_inputs() {
  local arch="$1"
  local sources; mapfile -t sources < <(rootfs_sources)
  rootfs_apt[$arch]="$(private_apt "rootfs-$arch" "$arch" "${sources[@]}")"
  local essential; essential="$(essential_packages "${rootfs_apt[$arch]}" | tr '\n' ' ')"
  [[ -n "$essential" ]] || die "no Essential:yes packages found in $ROOTFS_SUITE for $arch"
  # apt resolves against the same indices mmdebstrap will use, so this is the
  # package set of the image: it keys the cache and goes into the .info.
  rootfs_pkgs[$arch]="$(resolve "${rootfs_apt[$arch]}" $essential $ROOTFS_INCLUDE $ROOTFS_RESOLVE_EXTRA)"
}

rootfs_key() { { echo "rootfs $1"; rootfs_sources; echo "${rootfs_pkgs[$1]}"; } | cache_key; }

build_rootfs() {
  local arch="$1" out="$2"
  local mode=root
  ((EUID == 0)) || mode=unshare
  local common=(
    --mode="$mode" --arch="$arch" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
    --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
  )
  local variant
  if [[ "$arch" == amd64 ]]; then
    variant=(--variant=essential --include="$ROOTFS_INCLUDE")
  else
    # No arm64 machine: extract runs no maintainer scripts (so no emulation), but
    # then nothing is installed beyond --include, so include the essential set
    # explicitly and do the one postinst step a container needs (passwd/group).
    local pkgs; pkgs="$(printf '%s\n' "${rootfs_pkgs[$arch]}" | cut -d= -f1 | paste -sd,)"
    variant=(--variant=extract --include="$pkgs"
      --customize-hook='for f in passwd group; do [ -e "$1/etc/$f" ] || cp "$1/usr/share/base-passwd/$f.master" "$1/etc/$f"; done')
  fi
  local sources; mapfile -t sources < <(rootfs_sources)
  log "mmdebstrap $ROOTFS_SUITE for $arch (${variant[0]}, --mode=$mode)"
  # Its hooks are chatty even with -q: keep the output for when it fails.
  mmdebstrap -q "${common[@]}" "${variant[@]}" "$ROOTFS_SUITE" "$WORK/rootfs-$arch.tar" "${sources[@]}" \
    >"$WORK/mmdebstrap-$arch.log" 2>&1 || {
    tail -n 30 "$WORK/mmdebstrap-$arch.log" >&2
    die "mmdebstrap failed for $arch (output above)"
  }
  local listing; listing="$(tar -tf "$WORK/rootfs-$arch.tar")"
  local need
  for need in ./usr/bin/sh ./usr/bin/true ./usr/bin/python3 ./bin; do
    grep -qx -e "$need" -e "$need/" <<<"$listing" || die "rootfs for $arch lacks $need"
  done
  zstd -q -19 -T1 -o "$out/rootfs.tar.zst" "$WORK/rootfs-$arch.tar"
  {
    echo "asset=rootfs.tar.zst"
    echo "arch=$arch"
    echo "version=debian-$ROOTFS_SUITE-python3-minimal-$(sed -n 's/^python3-minimal=//p' <<<"${rootfs_pkgs[$arch]}")"
    echo "source_package=mmdebstrap $(host_version mmdebstrap)"
    echo "suite=$ROOTFS_SUITE $ROOTFS_SUITE-updates $ROOTFS_SUITE-security"
    echo "build_command=SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH mmdebstrap ${common[*]} ${variant[*]:0:2} $ROOTFS_SUITE"
    echo "compression=zstd -19"
    echo "size_uncompressed=$(stat -c %s "$WORK/rootfs-$arch.tar")"
    echo "build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    sed 's/^/package./' <<<"${rootfs_pkgs[$arch]}"
  } >"$out/rootfs.tar.zst.info"
}

# ---------------------------------------------------------------- main

ensure_build_deps
for arch in "${arches[@]}"; do
  if ! $force && $if_missing; then
    present_here "$arch" && { log "$arch: all assets present"; continue; }
  fi
  log "$arch: resolving Debian package versions"
  prepare_runc_inputs
  cached "$(runc_key "$arch")" "$arch" runc.zst build_runc
  prepare_rootfs_inputs "$arch"
  cached "$(rootfs_key "$arch")" "$arch" rootfs.tar.zst build_rootfs
  cached "$(handoff_key "$arch")" "$arch" mrt-handoff.zst build_handoff
done
log "done: $(cd "$OUT_ROOT" && ls -d ./*/ | tr '\n' ' ')"
