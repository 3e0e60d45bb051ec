#!/usr/bin/env bash
# Scale-out figures: `flarekv-bench load` read and session on the binding surface, for one flarekv
# front end on RocksDB versus two front ends over a 3-node Cassandra cluster, on this machine.
#
#   benchmarks/scaleout.sh [--duration 20s] [--connections 16] [--cassandra-warmup 60s] [--name NAME]
#
# One run, one after the other, with the same total connections and value size:
#   1. rocksdb:   one `flarekv serve` (RocksDB, fresh dir); one generator with C connections.
#   2. cassandra: `scripts/cassandra-cluster.sh start 3` on 127.0.0.21-23 (its own run dir, so a
#      test cluster on 127.0.0.1 is left alone), two `flarekv serve --store cassandra
#      --cassandra-replication 3` (QUORUM/QUORUM); two generators at once, C/2 connections each,
#      one per front end, over the same namespace; throughput is their sum.
# Writes benchmarks/results/<name>.md and .json. Stops exactly the processes it started (PIDs and
# the cluster script's PID files), also on Ctrl-C. All traffic stays on 127.0.0.1.
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"
duration=20s
connections=16
# A freshly started Cassandra JVM serves a few hundred reads/s until the JIT has compiled its
# read path: measured here, 190, 360, 1,700, then ~2,900 req/s in consecutive 17 s runs.
cassandra_warmup=60s
name="scaleout-$(date +%Y%m%d-%H%M%S)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --cassandra-warmup) cassandra_warmup="$2"; shift ;;
    --name) name="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "scaleout.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
half=$(( connections / 2 ))

results="$here/results"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/flarekv-scaleout.XXXXXX")"
cluster_dir="$root/.flarekv/scaleout-cassandra"
export FLAREKV_CASSANDRA_DIR="$cluster_dir" CASSANDRA_FIRST_NODE=21 CASSANDRA_CLUSTER_NAME=flarekv-scaleout
# share the jars the Cassandra tests fetched, if any, instead of fetching ~230 MB again
if [[ -z ${CASSANDRA_LIB_DIR:-} && -d $root/.flarekv/cassandra-test/lib ]]; then
  export CASSANDRA_LIB_DIR="$root/.flarekv/cassandra-test/lib"
fi
started_at=$(date +%s)
log() { echo "scaleout[$(( $(date +%s) - started_at ))s]: $*" >&2; }

# shellcheck source=lib.sh
source "$here/lib.sh"
pids=()
cluster_started=0
cleanup() {
  stop_started
  pids=()
  if [[ $cluster_started == 1 ]]; then
    "$root/scripts/cassandra-cluster.sh" stop >&2 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_jars
java_opts=(--enable-native-access=ALL-UNNAMED)

# create_namespace REST_PORT TITLE -> prints the id
create_namespace() {
  curl -sf -X POST "http://127.0.0.1:$1/client/v4/accounts/bench/storage/kv/namespaces" \
    -H 'content-type: application/json' -d "{\"title\":\"$2\"}" |
    grep -o '"id":"[0-9a-f]*"' | head -1 | sed 's/"id":"//; s/"//'
}

# load OUT REST_PORT BIND_PORT NS WORKLOAD CONNECTIONS [extra...]
load() {
  local out=$1 rest=$2 bind=$3 ns=$4 workload=$5 conns=$6
  shift 6
  java "${java_opts[@]}" -jar "$bench_jar" load --workload "$workload" --surface binding \
    --url "http://127.0.0.1:$rest/client/v4" --binding-address "127.0.0.1:$bind" \
    --account-id bench --namespace-id "$ns" --connections "$conns" --threads 1 \
    --duration "${LOAD_DURATION:-$duration}" --warmup "${LOAD_WARMUP:-10s}" --json "$@" \
    > "$out" 2> "$out.log"
}

workloads=(read session)
mkdir -p "$results"
json="$results/$name.json"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- 1. RocksDB, one front end
log "rocksdb: starting one flarekv (fresh dir)"
start_flarekv "$tmp/rocks.log" -Xmx1g -- --data-dir "$tmp/rocks-data"
for w in "${workloads[@]}"; do
  ns=$(create_namespace "$rest_port" "rocks-$w")
  log "rocksdb: $w, $connections connections, $duration"
  load "$tmp/rocks-$w.json" "$rest_port" "$bind_port" "$ns" "$w" "$connections" || {
    cat "$tmp/rocks-$w.json.log" >&2; exit 1; }
done
stop_started
pids=()

# ---------------------------------------------------------------- 2. Cassandra, two front ends
log "cassandra: starting 3 nodes on 127.0.0.21-23 (run dir $cluster_dir)"
cluster_started=1
rm -rf "$cluster_dir"/node* # a fresh cluster every run
"$root/scripts/cassandra-cluster.sh" start 3 >&2 || { echo "scaleout.sh: cluster did not start" >&2; exit 1; }
contact="127.0.0.21:9042,127.0.0.22:9042,127.0.0.23:9042"
cass_args=(--store cassandra --cassandra-contact-points "$contact" --cassandra-keyspace flarekv_scaleout
  --cassandra-replication 3 --data-dir)
start_flarekv "$tmp/front-a.log" -Xmx1g -- "${cass_args[@]}" "$tmp/a-data"
rest_a=$rest_port bind_a=$bind_port
start_flarekv "$tmp/front-b.log" -Xmx1g -- "${cass_args[@]}" "$tmp/b-data"
rest_b=$rest_port bind_b=$bind_port
log "front ends: A REST $rest_a binding $bind_a; B REST $rest_b binding $bind_b"
for w in "${workloads[@]}"; do
  ns=$(create_namespace "$rest_a" "cass-$w-$(date +%s)")
  log "cassandra: preloading $w through A"
  LOAD_DURATION=1s LOAD_WARMUP=0s load "$tmp/preload-$w.json" "$rest_a" "$bind_a" "$ns" "$w" 2 || {
    cat "$tmp/preload-$w.json.log" >&2; exit 1; }
  log "cassandra: $w, $half + $half connections through A and B at once, $duration"
  LOAD_WARMUP=$cassandra_warmup load "$tmp/cass-$w-a.json" "$rest_a" "$bind_a" "$ns" "$w" "$half" \
    --no-preload &
  gen_a=$!
  LOAD_WARMUP=$cassandra_warmup load "$tmp/cass-$w-b.json" "$rest_b" "$bind_b" "$ns" "$w" "$half" \
    --no-preload &
  gen_b=$!
  wait "$gen_a" || { cat "$tmp/cass-$w-a.json.log" >&2; exit 1; }
  wait "$gen_b" || { cat "$tmp/cass-$w-b.json.log" >&2; exit 1; }
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
python3 - "$tmp" "$json" "$results/$name.md" "$connections" "$duration" "$load_before" "$load_after" "$cassandra_warmup" <<'EOF'
import json, sys
tmp, out_json, out_md, conns, duration, load_before, load_after, cwarm = sys.argv[1:]
def rd(p):
    return json.load(open(f"{tmp}/{p}"))
rows, data = [], {}
for w in ("read", "session"):
    r = rd(f"rocks-{w}.json"); a = rd(f"cass-{w}-a.json"); b = rd(f"cass-{w}-b.json")
    data[w] = {"rocksdb": r, "cassandraA": a, "cassandraB": b}
    both = a["opsPerSecond"] + b["opsPerSecond"]
    worst = lambda k: max(a["latencyMs"][k], b["latencyMs"][k])
    rows.append((w, "1 front end, RocksDB", r["opsPerSecond"], r["latencyMs"]["p50"], r["latencyMs"]["p99"], r["errors"]))
    rows.append((w, "2 front ends, Cassandra ×3 (sum; worse p of A/B)", both, worst("p50"), worst("p99"), a["errors"] + b["errors"]))
    data[w]["ratio"] = round(both / r["opsPerSecond"], 3)
json.dump(data, open(out_json, "w"), indent=2)
with open(out_md, "w") as f:
    f.write("# flarekv scale-out: one RocksDB front end vs two front ends over 3 Cassandra nodes\n\n")
    f.write(f"`benchmarks/scaleout.sh`: binding surface, {conns} connections in all (two front ends: half each), "
            f"{duration} measured after a warm-up of 10 s (RocksDB) or {cwarm} (Cassandra: its JVMs need about a minute of load to compile their read path), "
            f"closed loop, 100-byte values, 10,000 keys. "
            f"Everything (generators, front ends, 3 Cassandra nodes of 400 MB heap) on one 2-core machine; "
            f"load average before/after: {load_before} / {load_after}.\n\n")
    f.write("| workload | setup | ops/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|\n")
    for w, s, ops, p50, p99, err in rows:
        f.write(f"| {w} | {s} | {ops:,.0f} | {p50:.3f} | {p99:.3f} | {err} |\n")
    f.write("\nratio two Cassandra front ends / one RocksDB front end: " +
            ", ".join(f"{w} {data[w]['ratio']:.3f}×" for w in ("read", "session")) + "\n")
print(open(out_md).read())
EOF
log "done: $results/$name.md"
