# Shared by compare.sh, scale.sh and scaleout.sh (sourced, not run). The sourcing script sets
# `root` (the checkout) and defines `log`; these helpers only touch processes whose PIDs they are
# given or that they started themselves.

# stop_pid PID: SIGTERM, up to 20 s to exit, then SIGKILL.
stop_pid() {
  local pid=$1 _
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null
}

# stop_started: stops every PID in the caller's `pids` (what it started), for its EXIT trap.
stop_started() {
  local pid
  for pid in "${pids[@]}"; do
    stop_pid "$pid"
  done
}

# ensure_jars: sets bench_jar and server_jar, building both (Maven) when one is missing.
ensure_jars() {
  bench_jar="$root/benchmarks/target/flarekv-bench.jar"
  server_jar="$root/app/target/flarekv.jar"
  if [[ ! -f "$bench_jar" || ! -f "$server_jar" ]]; then
    log "building flarekv.jar and flarekv-bench.jar"
    (cd "$root" && mvn -B -q package -pl app,benchmarks -am -DskipTests >&2) || exit 2
  fi
}

# start_flarekv LOGFILE [JVM option...] -- [serve option...]: starts `flarekv serve` on free loopback
# ports (--port 0 --binding-port auto), adds its PID to the caller's `pids` (for its cleanup),
# waits for its `flarekv listening:` line and sets server_pid, rest_port and bind_port. Exits the
# script, printing the log, if it does not start.
start_flarekv() {
  local logfile=$1 line _
  shift
  local jvm=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    jvm+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  java "${jvm[@]}" --enable-native-access=ALL-UNNAMED -jar "$server_jar" serve --host 127.0.0.1 \
    --port 0 --binding-port auto "$@" > "$logfile" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  rest_port="" bind_port=""
  for _ in $(seq 1 600); do
    line=$(grep -m1 'flarekv listening:' "$logfile" 2>/dev/null)
    if [[ -n $line ]]; then
      rest_port=$(grep -o 'http://127.0.0.1:[0-9]*' <<<"$line" | head -1 | sed 's/.*://')
      bind_port=$(grep -o 'FLAREKV_BINDING_ADDRESS=[0-9.]*:[0-9]*' <<<"$line" | sed 's/.*://')
      [[ -n $rest_port && -n $bind_port ]] && return 0
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "flarekv did not start (or its listening line changed):" >&2
  cat "$logfile" >&2
  exit 1
}
