# Shared by the bench scripts (source it): hand the work directory $W to the unprivileged
# user $USER_NAME and define as_user, which runs a command as that user (or as ourselves
# when we are not root) with HOME=$W.
give_to_user() {
  chmod -R a+rX "$W"
  if [ "$(id -u)" = 0 ]; then
    chown -R "$USER_NAME" "$W"
    as_user() { runuser -u "$USER_NAME" -- env HOME="$W" "$@"; }
  else
    as_user() { env HOME="$W" "$@"; }
  fi
}

# A work directory $W holding a copy of the built app ($W/app) and the Gearman submitter
# ($W/submit.py); at exit the background processes listed in PIDS are killed and $W removed.
make_workdir() { # NAME
  W=$(mktemp -d "/tmp/mrt-bench-$1.XXXXXX")
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"' EXIT
  cp -r target/quarkus-app "$W/app"
  cp bench/gearman-submit.py "$W/submit.py"
  mkdir -p "$W/shared" "$W/logs"
}

# A real gearmand on a free loopback port ($PORT), logging under $W/logs, killed at exit.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_gearmand() {
  PORT=$(free_port)
  gearmand --listen=127.0.0.1 --port="$PORT" --log-file="$W/logs/gearmand.log" \
    --pid-file="$W/logs/gearmand.pid" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do gearadmin --status -p "$PORT" >/dev/null 2>&1 && break; sleep 0.1; done
}

# MRT_SERVE: `mrt serve` of the copied app ($W/app) as installed, through deploy/bin/mrt and
# the JVM flags it ships.
use_launcher() {
  install -m 0755 deploy/bin/mrt "$W/mrt-launcher"
  MRT_SERVE=(env MRT_APP_DIR="$W/app" "$W/mrt-launcher" serve)
}

# After give_to_user: MRT_ENV and MRT run the copied jar with its cache and state under $W,
# MRT_SERVE as use_launcher sets it; fills the cache with one `mrt run -- true` and sets RUNC
# to the runc mrt unpacked there.
use_mrt() {
  MRT_ENV=(MRT_CACHE_DIR="$W/cache" MRT_STATE_DIR="$W/state")
  MRT=(java -jar "$W/app/quarkus-run.jar")
  use_launcher
  as_user env "${MRT_ENV[@]}" "${MRT[@]}" run -- true
  RUNC=$(ls "$W"/cache/runc/*/runc | head -1)
}

# Writes DIR/config.json: the very spec mrt would run the command with (serve's network, none).
bundle_of() { # DIR COMMAND...
  local dir=$1; shift
  mkdir -p "$dir"
  as_user env "${MRT_ENV[@]}" "${MRT[@]}" spec --network none -- "$@" > "$dir/config.json"
}
