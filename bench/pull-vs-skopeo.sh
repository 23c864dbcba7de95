#!/usr/bin/env bash
# Issue 3 benchmark: pull + unpack of one image from a loopback registry, cold cache each run.
#   - `mrt pull REF` through the installed launcher (deploy/bin/mrt: serial GC, C2 only for
#     SHA-256, an AOT cache trained on a loopback pull) with a fresh MRT_CACHE_DIR: JVM start,
#     manifest, blob fetch verified by digest, diff_id check, unpack into the image cache
#   - `skopeo copy docker://REF oci:DIR:TAG` + `umoci unpack --rootless` of the same image
# The image is mrt's embedded default rootfs as one gzip layer (umoci's compression): about
# 78 MB unpacked. Debian's docker-registry serves it on 127.0.0.1. Both sides run rootless as
# an unprivileged user (default mrt-test; as root the script switches to it), so neither
# chowns nor makes device nodes. Medians over RUNS runs (default 5); appends to
# bench/RESULTS.md.
# Usage: bench/pull-vs-skopeo.sh [RUNS]   (after ./mvnw package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
ARCH=$(dpkg --print-architecture)
JAR=$PWD/target/quarkus-app/quarkus-run.jar
ROOTFS_TAR=$PWD/src/main/resources/assets/$ARCH/rootfs.tar.zst
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
for t in docker-registry skopeo umoci zstd python3; do
  command -v "$t" >/dev/null || { echo "bench: missing $t (apt-get install $t)" >&2; exit 1; }
done

USER_NAME=${MRT_TEST_USER:-mrt-test}
W=$(mktemp -d /tmp/mrt-bench-pull.XXXXXX)
REG_PID=
cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $W/registry}}
http: {addr: 127.0.0.1:$PORT}
YML
docker-registry serve "$W/registry.yml" >"$W/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

echo "building the image..." >&2
zstd -q -d -c "$ROOTFS_TAR" > "$W/rootfs.tar"
umoci init --layout "$W/oci" && umoci new --image "$W/oci:bench"
umoci raw add-layer --image "$W/oci:bench" "$W/rootfs.tar"
REF=127.0.0.1:$PORT/bench:1
skopeo copy --quiet --dest-tls-verify=false "oci:$W/oci:bench" "docker://$REF"
SIZE=$(du -sb "$W/oci/blobs" | cut -f1)
cp -r target/quarkus-app "$W/app"
cp deploy/bin/mrt "$W/mrt"
chmod -R a+rX "$W"
if [ "$(id -u)" = 0 ]; then
  chown -R "$USER_NAME" "$W/app" && chown "$USER_NAME" "$W"
  as_user() { runuser -u "$USER_NAME" -- env HOME="$W" "$@"; }
else
  as_user() { env HOME="$W" "$@"; }
fi

# The launcher makes an AOT cache (JDK >= 25) per set of flags in the background after a first
# run, with that run's environment: doctor (CLI flags) and one pull (pull's) first, then wait for
# both, so that no measured run competes with them; doctor then names the JVM and its cache.
doctor() { as_user env MRT_CACHE_DIR="$W/cache" MRT_APP_DIR="$W/app" "$W/mrt" doctor 2>/dev/null; }
doctor >/dev/null
as_user env MRT_CACHE_DIR="$W/cache" MRT_APP_DIR="$W/app" "$W/mrt" pull "$REF" >/dev/null 2>&1
for _ in $(seq 240); do
  pgrep -f "AOTCacheOutput=$W/" >/dev/null || break
  sleep 0.5
done
JVM=$(doctor | sed -n 's/^\[ ok \] java: //p')

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
now() { date +%s.%N; }
declare -a T_MRT T_INPROC T_SKOPEO
# Each run into directories of its own, removed only after the last: on an ext4 without a
# journal (this machine's /), files made right after an `rm -rf` pay for the inodes it freed
# (see run-vs-runc.sh), and the side that runs first after it would pay most.
R=$W/runs
as_user mkdir -p "$R"
for i in $(seq "$RUNS"); do
  sync
  s=$(now); as_user env MRT_CACHE_DIR="$R/cache$i" MRT_APP_DIR="$W/app" "$W/mrt" pull "$REF" >/dev/null 2>"$W/pull.err"; e=$(now)
  T_MRT+=("$(echo "$e - $s" | bc)")
  # mrt's own timer, from the command's start to the rootfs ready: what a running daemon pays.
  T_INPROC+=("$(sed -n 's/^pulled .* in \([0-9.]*\) s$/\1/p' "$W/pull.err")")
  sync
  s=$(now)
  as_user skopeo copy --quiet --src-tls-verify=false "docker://$REF" "oci:$R/copy$i:bench"
  as_user umoci unpack --rootless --image "$R/copy$i:bench" "$R/unpacked$i" >/dev/null 2>&1
  e=$(now)
  T_SKOPEO+=("$(echo "$e - $s" | bc)")
done
# Unpacked trees have read-only directories: make them writable to remove them.
chmod -R u+w "$R" 2>/dev/null || true
rm -rf "$R"
median() { printf '%s\n' "$@" | sort -n | python3 -c 'import sys,statistics; print("%.2f" % statistics.median(float(l) for l in sys.stdin))'; }
m_mrt=$(median "${T_MRT[@]}")
m_in=$(median "${T_INPROC[@]}")
m_sk=$(median "${T_SKOPEO[@]}")
ratio=$(python3 -c "print('%.2f' % ($m_sk / $m_mrt))")
ratio_in=$(python3 -c "print('%.2f' % ($m_sk / $m_in))")

[ -f bench/RESULTS.md ] || printf '# Benchmark results\n\nAppended by the scripts in bench/; newest last.\n' > bench/RESULTS.md
{
  printf '\n## pull-vs-skopeo, %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'Command: `bench/pull-vs-skopeo.sh %s` on %s (%s cores), rootless as %s. Image: default rootfs as one\n' "$RUNS" "$(uname -m)" "$(nproc)" "$([ "$(id -u)" = 0 ] && echo "$USER_NAME" || id -un)"
  printf 'gzip layer, %s MB of blobs, from docker-registry on 127.0.0.1. Cold cache every run.\n' "$(python3 -c "print(round($SIZE/1e6,1))")"
  printf 'JVM (the launcher'"'"'s choice, as `mrt doctor` names it; pull runs with C2 for SHA-256 only and its own AOT cache): %s.\n' "$JVM"
  printf 'Load average (1 min) before/after: %s / %s (other work on the host skews both sides).\n\n' "$LOAD_BEFORE" "$(cut -d' ' -f1 /proc/loadavg)"
  printf '| what | median (s) | runs (s) |\n|---|---|---|\n'
  printf '| `mrt pull` (launcher, JVM start included) | %s | %s |\n' "$m_mrt" "${T_MRT[*]}"
  printf '| the same pulls by mrt'"'"'s own timer (JVM already started: the daemon'"'"'s case) | %s | %s |\n' "$m_in" "${T_INPROC[*]}"
  printf '| `skopeo copy` + `umoci unpack --rootless` | %s | %s |\n' "$m_sk" "${T_SKOPEO[*]}"
  printf '\nskopeo+umoci / mrt = **%s** for the CLI with its JVM start, **%s** for the pull itself (above 1: mrt is faster).\n' "$ratio" "$ratio_in"
} >> bench/RESULTS.md
tail -12 bench/RESULTS.md
