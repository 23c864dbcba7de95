#!/usr/bin/env bash
# Issue 9: what each network kind costs a container, in one run, side by side.
# Bare `runc run` of `true` (no JVM), rootless as an unprivileged user (default mrt-test),
# with the very config.json `mrt spec --network KIND -- true` prints for each kind:
#   host (no namespace: the baseline), none (a namespace with loopback only),
#   private (pasta hook, configured link), endpoint 127.0.0.1:PORT (pasta hook, one port).
# Medians over RUNS runs (default 30) with hyperfine, one kind after another; ratios to host.
# Usage: bench/network-cost.sh [RUNS]   (after ./mvnw package; appends to bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
USER_NAME=${MRT_TEST_USER:-mrt-test}
JAR=$PWD/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 1; }
command -v pasta >/dev/null || { echo "bench: apt-get install passt" >&2; exit 1; }

W=$(mktemp -d /tmp/mrt-bench-net.XXXXXX)
trap 'rm -rf "$W"' EXIT
cp -r target/quarkus-app "$W/app"
. bench/lib.sh
give_to_user
MRT=(env MRT_CACHE_DIR="$W/cache" MRT_STATE_DIR="$W/state" java -jar "$W/app/quarkus-run.jar")
as_user "${MRT[@]}" run --network none -- true
RUNC=$(ls "$W"/cache/runc/*/runc | head -1)

KINDS=(host none private 127.0.0.1:9)
CMDS=()
for k in "${KINDS[@]}"; do
  d="$W/bundle-${k//[^a-z0-9]/_}"
  as_user mkdir -p "$d" "$W/runc-state"
  as_user "${MRT[@]}" spec --network "$k" -- true > "$W/spec.json"
  as_user cp "$W/spec.json" "$d/config.json"
  CMDS+=("$RUNC --root $W/runc-state run --bundle $d net-${k//[^a-z0-9]/_}")
done

echo "measuring (${#KINDS[@]} kinds x $RUNS runs, rootless as $USER_NAME)..." >&2
as_user hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "$W/net.json" \
  "${CMDS[@]}" >/dev/null

table=$(python3 - "$W/net.json" "${KINDS[@]}" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
kinds = sys.argv[2:]
base = results[0]["median"]
for kind, r in zip(kinds, results):
    print("| %s | %.1f | %.2fx |" % (kind, r["median"] * 1000, r["median"] / base))
EOF
)
echo "$table"
{
  echo
  echo "## Network kinds, $(date -u +%Y-%m-%d) ($(uname -m), $(nproc) cores, rootless as $USER_NAME, passt $(dpkg-query -W -f='${Version}' passt 2>/dev/null || echo '?'))"
  echo
  echo "\`bench/network-cost.sh $RUNS\`: bare \`runc run\` of \`true\`, each with the config.json"
  echo "\`mrt spec --network KIND\` prints (no JVM in the loop); medians of $RUNS runs, one kind after another."
  echo
  echo "| --network | median ms | vs host |"
  echo "|---|---|---|"
  echo "$table"
} >> bench/RESULTS.md
echo "appended to bench/RESULTS.md"
