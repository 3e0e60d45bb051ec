#!/usr/bin/env bash
# flarekv's scale curves: list first-page latency at growing namespace sizes, read latency while
# the sweeper deletes many expired keys, and the server's RSS under large values. Starts its own
# flarekv (fresh data dir, free loopback ports, -Xmx1g so the memory bound can be stated), runs
# `flarekv-bench scale` against it and writes benchmarks/results/<name>.md, .json and .png files.
#
#   benchmarks/scale.sh [--quick] [--name NAME] [--parts list,sweep,rss]
#
# --quick   ~2 minutes: lists at 1k/10k/100k keys, 100k expiring keys, short windows (smoke test)
# default   ~10 minutes: lists at 1k/100k/1M keys, 1M expiring keys, 20-30 s windows
#
# Stops exactly the processes it started (by PID), also on Ctrl-C. All traffic on 127.0.0.1.
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"

quick=0
name=""
parts="list,sweep,rss"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --name) name="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

# the server's heap: the RSS bound is stated from it (see benchmarks/README.md)
xmx="${SCALE_XMX:-1g}"
if [[ $quick == 1 ]]; then
  mode=quick
  name="${name:-scale-smoke-$(date +%Y%m%d-%H%M%S)}"
  args=(--list-sizes 1000,10000,100000 --list-duration 5s --warmup 2s --expiring-keys 100000
        --baseline 8s --expiry-margin 2 --large-duration 8s --big-duration 8s --sweep-timeout 90s)
else
  mode=full
  name="${name:-scale-$(date +%Y%m%d-%H%M%S)}"
  args=(--list-sizes 1000,100000,1000000 --list-duration 20s --warmup 5s --expiring-keys 1000000
        --baseline 30s --large-duration 30s --big-duration 30s --sweep-timeout 5m)
fi

results="$here/results"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/flarekv-scale.XXXXXX")"
started_at=$(date +%s)
log() { echo "scale[$(( $(date +%s) - started_at ))s]: $*" >&2; }

# shellcheck source=lib.sh
source "$here/lib.sh"
pids=()
cleanup() {
  stop_started
  [[ -n ${name:-} && -f $tmp/flarekv.log ]] && cp "$tmp/flarekv.log" "$here/results/$name.server.log"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_jars

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "starting flarekv (-Xmx$xmx, data dir $tmp/data)"
# SCALE_SERVER_OPTS: extra JVM options for the server (GC logging, JFR) when investigating a run
# shellcheck disable=SC2086
start_flarekv "$tmp/flarekv.log" "-Xmx$xmx" ${SCALE_SERVER_OPTS:-} -- --data-dir "$tmp/data"
log "flarekv pid $server_pid: REST 127.0.0.1:$rest_port, binding 127.0.0.1:$bind_port"

mkdir -p "$results"
json="$results/$name.json"
timeout $(( quick == 1 ? 900 : 3600 )) java --enable-native-access=ALL-UNNAMED -jar "$bench_jar" scale \
  --url "http://127.0.0.1:$rest_port/client/v4" --binding-address "127.0.0.1:$bind_port" \
  --server-pid "$server_pid" --server-xmx "$xmx" --server-cores "$(nproc)" \
  --json-out "$json" --parts "$parts" "${args[@]}"
status=$?
[[ -f $json ]] || { echo "scale.sh: no result (exit $status)" >&2; exit 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

java -Djava.awt.headless=true -jar "$bench_jar" scale-report --input "$json" \
  --markdown "$results/$name.md" --png "$results/$name.png" --rss-png "$results/$name-rss.png" \
  --title "flarekv scale curves ($mode run)" \
  --context "run: $(date -u '+%Y-%m-%d %H:%M UTC'), $mode mode, $(( $(date +%s) - started_at )) s in all; command: benchmarks/scale.sh $([[ $quick == 1 ]] && echo --quick) --parts $parts" \
  --context "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; generator and server share it; load average before/after: $load_before / $load_after" \
  --context "server: java -Xmx$xmx -jar app/target/flarekv.jar serve ${SCALE_SERVER_OPTS:+$SCALE_SERVER_OPTS }(defaults otherwise: unsynced WAL, 10 s sweep interval, sweep rounds of 100 deletions at busy share 0.25 on an idle-priority thread), fresh data dir; $(java -version 2>&1 | head -1)" \
  --context "generator: flarekv-bench scale ${args[*]}" \
  > /dev/null
log "done: $results/$name.md (exit $status)"
exit $status
