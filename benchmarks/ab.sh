#!/usr/bin/env bash
# Before/after: the server of a git revision ("base") against the current checkout ("head"), same
# load generator, same workloads, interleaved rounds, in one run on this machine.
#
#   benchmarks/ab.sh --base REV [--rounds N] [--duration 10s] [--warmup 5s] [--connections 16]
#                    [--workloads "read:binding session:binding read:rest write:rest"]
#                    [--jvm "-Xmx1g"] [--head-args "--consistency eventual"] [--name NAME]
#
# base   REV's server jar, built in a temporary git worktree (mvn package -pl app -am, never install)
#        that is removed afterwards
# head   the current checkout's app/target/flarekv.jar (built when missing; rebuild it yourself
#        after changing sources: the script warns when a source file is newer than the jar)
# The load generator is always the current checkout's benchmarks/target/flarekv-bench.jar.
# Per workload (WORKLOAD:SURFACE, see `flarekv-bench load --help`) and round, each side runs once
# against a freshly started server (free loopback ports, fresh data dir, the same JVM options), one
# server at a time; the order alternates (base head, head base, ...) so that drifting machine load
# does not favour one side. --head-args adds `flarekv serve` flags to the head server only (to
# compare a mode on against the same code with it off, use --base HEAD). Writes benchmarks/results/ab-NAME.md and ab-NAME.tsv. Stops only the
# processes it started; exits non-zero if a server does not start.
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"

base_rev=""
rounds=3
duration=10s
warmup=5s
conns=16
workloads="read:binding session:binding read:rest write:rest"
jvm_opts="-Xmx1g"
head_args=""
name=""
command_line="benchmarks/ab.sh $*"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base_rev="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --connections) conns="$2"; shift ;;
    --workloads) workloads="$2"; shift ;;
    --jvm) jvm_opts="$2"; shift ;;
    --head-args) head_args="$2"; shift ;;
    --name) name="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "ab.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -n $base_rev ]] || { echo "ab.sh: --base REV is required (see --help)" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "ab.sh: --rounds must be a positive integer" >&2; exit 2; }

# seconds of a duration such as 500ms, 10s, 2m (rounded up)
seconds_of() {
  case "$1" in
    *ms) echo $(( (${1%ms} + 999) / 1000 )) ;;
    *s) echo "${1%s}" ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *) echo "$1" ;;
  esac
}
dur_s=$(seconds_of "$duration")
warm_s=$(seconds_of "$warmup")
[[ $dur_s =~ ^[0-9]+$ && $warm_s =~ ^[0-9]+$ ]] \
  || { echo "ab.sh: --duration/--warmup must look like 500ms, 10s or 2m" >&2; exit 2; }
for w in $workloads; do
  [[ $w =~ ^[a-z]+:(rest|binding)$ ]] \
    || { echo "ab.sh: workload '$w' is not WORKLOAD:SURFACE (surface rest or binding)" >&2; exit 2; }
done

base_sha=$(git -C "$root" rev-parse --verify --quiet "$base_rev^{commit}") \
  || { echo "ab.sh: '$base_rev' is not a commit of $root" >&2; exit 2; }
base_desc="$(git -C "$root" describe --always --tags "$base_sha") ($(git -C "$root" rev-parse --short "$base_sha"))"
head_desc="$(git -C "$root" describe --always --tags --dirty) ($(git -C "$root" rev-parse --short HEAD))"
name="${name:-$(git -C "$root" rev-parse --short "$base_sha")-vs-$(git -C "$root" rev-parse --short HEAD)-$(date +%Y%m%d-%H%M%S)}"
results="$here/results"
md="$results/ab-$name.md"
tsv="$results/ab-$name.tsv"
started_at=$(date +%s)
log() { echo "ab[$(( $(date +%s) - started_at ))s]: $*" >&2; }

# ------------------------------------------------------------------ processes we start, and only those
# shellcheck source=lib.sh
source "$here/lib.sh"
tmp="$(mktemp -d /tmp/flarekv-ab.XXXXXX)"
pids=()
doing="starting"
cleanup() {
  local rc=$?
  stop_started
  if [[ -d $tmp/base-src ]]; then
    git -C "$root" worktree remove --force "$tmp/base-src" 2>/dev/null
  fi
  rm -rf "$tmp"
  git -C "$root" worktree prune 2>/dev/null
  if [[ $rc != 0 ]]; then
    echo "ab.sh: FAILED (exit $rc) while $doing" >&2
    [[ -s ${tsv:-} && ! -f ${md:-} ]] && echo "ab.sh: the rounds measured so far are in $tsv" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ the two server jars
ensure_jars
head_jar="$server_jar"
stale=$(cd "$root" && find protocol storage server cli app -path '*/src/main/*' -newer "$head_jar" \
          -type f 2>/dev/null | head -3)
[[ -n $stale ]] && log "WARNING: sources newer than $head_jar (rebuild it for an up-to-date head): $stale"

doing="building the server jar of $base_rev in a temporary worktree"
log "$doing ($tmp/base-src)"
git -C "$root" worktree add --detach --quiet "$tmp/base-src" "$base_sha" || exit 2
app_module=app # the command's module, called dist before it was renamed
[[ -f $tmp/base-src/app/pom.xml ]] || app_module=dist
(cd "$tmp/base-src" && timeout 1800 mvn -B -q -DskipTests package -pl "$app_module" -am \
  >"$tmp/base-build.log" 2>&1) \
  || { echo "ab.sh: building $base_rev failed:" >&2; tail -40 "$tmp/base-build.log" >&2; exit 2; }
base_jar="$tmp/base-flarekv.jar"
cp "$tmp/base-src/$app_module/target/flarekv.jar" "$base_jar" || exit 2
git -C "$root" worktree remove --force "$tmp/base-src" && rm -rf "$tmp/base-src"
log "built $base_desc"

# ------------------------------------------------------------------ one run: fresh server, one load
read -r -a jvm <<<"$jvm_opts"
run_timeout=$(( warm_s + dur_s + 180 )) # preload, warm-up, measurement, a request timeout, margin
printf 'workload\tround\torder\tside\trev\treq_per_s\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\terrors\tload1\n' > "$tsv"

# run_one SIDE WORKLOAD ROUND ORDER
run_one() {
  local side=$1 wl=$2 round=$3 order=$4 jar rev json load1 data="$tmp/data-$1" out extra=()
  if [[ $side == base ]]; then jar=$base_jar rev=$base_desc; else jar=$head_jar rev=$head_desc; fi
  [[ $side == head && -n $head_args ]] && read -r -a extra <<<"$head_args"
  rm -rf "$data"
  doing="starting the $side server ($rev) for $wl round $round"
  server_jar="$jar" # start_flarekv runs it
  start_flarekv "$tmp/server-$side.log" "${jvm[@]}" -- --data-dir "$data" "${extra[@]}"
  doing="measuring $wl on the $side server ($rev), round $round"
  load1=$(cut -d' ' -f1 /proc/loadavg)
  out="$tmp/load.json"
  timeout "$run_timeout" java -jar "$bench_jar" load -w "${wl%%:*}" -s "${wl#*:}" -c "$conns" \
    -d "$duration" --warmup "$warmup" --json --progress off \
    --url "http://127.0.0.1:$rest_port/client/v4" --binding-address "127.0.0.1:$bind_port" \
    > "$out" 2> "$tmp/load.err"
  local rc=$?
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "ab.sh: the $side server ($rev) died during $wl round $round:" >&2
    tail -40 "$tmp/server-$side.log" >&2
    exit 1
  fi
  stop_pid "$server_pid"
  local kept=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$server_pid" ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
  rm -rf "$data"
  if [[ $rc != 0 ]] || ! json=$(jq -r '[.requestsPerSecond, .latencyMs.p50, .latencyMs.p90,
        .latencyMs.p99, .latencyMs["p99.9"], .latencyMs.max, .errors] | @tsv' "$out" 2>/dev/null); then
    log "WARNING: the load generator failed (exit $rc) on $side, $wl round $round: $(tail -5 "$tmp/load.err")"
    json=$'NaN\tNaN\tNaN\tNaN\tNaN\tNaN\tfailed'
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$wl" "$round" "$order" "$side" "$rev" "$json" "$load1" >> "$tsv"
  log "$wl round $round, $side: $(cut -f1,2,4,7 <<<"$json" | awk -F'\t' '{ printf "%s req/s, p50 %s ms, p99 %s ms, errors %s", $1, $2, $3, $4 }')"
}

for wl in $workloads; do
  for round in $(seq 1 "$rounds"); do
    if (( round % 2 == 1 )); then sides=(base head); else sides=(head base); fi
    run_one "${sides[0]}" "$wl" "$round" 1
    run_one "${sides[1]}" "$wl" "$round" 2
  done
done
doing="writing the report"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
python3 - "$tsv" "$md" <<EOF
import csv, statistics, sys
tsv, md = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(tsv), delimiter="\t"))
def num(v):
    try:
        return float(v)
    except ValueError:
        return float("nan")
def med(xs):
    xs = [x for x in xs if x == x]
    return statistics.median(xs) if xs else float("nan")
out = []
out.append("# Before/after: $base_desc vs $head_desc\n")
out.append("- command: \`$command_line\`")
out.append("- base: $base_desc, server jar built from that commit; head: $head_desc, this checkout's app/target/flarekv.jar"
           + (" started with \`$head_args\`" if "$head_args" else ""))
out.append("- generator: this checkout's flarekv-bench.jar, $conns connections, closed loop, $duration measured after $warmup warm-up; "
           "a fresh server (fresh data dir, JVM options \`$jvm_opts\`) per run, one at a time, on 127.0.0.1")
out.append("- rounds: $rounds per workload, order alternating (base first in odd rounds, head first in even ones); "
           "medians over rounds; head/base = ratio of the medians, per round = median of each round's own head/base")
out.append("- machine: $(nproc) cores, shared; load average at start $load_start, at end $load_end")
out.append("- run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(( $(date +%s) - started_at )) s in all\n")
out.append("| workload | base req/s | head req/s | head/base | head/base per round | base p50 ms | head p50 ms | base p99 ms | head p99 ms | errors base/head |")
out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
workloads = list(dict.fromkeys(r["workload"] for r in rows))
def errs(side_rows):
    vals = [r["errors"] for r in side_rows]
    return "failed" if "failed" in vals else str(int(sum(num(v) for v in vals)))
for w in workloads:
    b = [r for r in rows if r["workload"] == w and r["side"] == "base"]
    h = [r for r in rows if r["workload"] == w and r["side"] == "head"]
    br, hr = med([num(r["req_per_s"]) for r in b]), med([num(r["req_per_s"]) for r in h])
    ratio = hr / br if br and br == br and hr == hr else float("nan")
    # each round's head/base (the two ran back to back), then the median: robust to drifting load
    paired = med([num(x["req_per_s"]) / num(y["req_per_s"]) for x in h for y in b
                  if x["round"] == y["round"] and num(y["req_per_s"]) > 0])
    out.append(f"| {w} | {br:,.0f} | {hr:,.0f} | **{ratio:.2f}** | {paired:.2f} | "
               f"{med([num(r['p50_ms']) for r in b]):.3f} | {med([num(r['p50_ms']) for r in h]):.3f} | "
               f"{med([num(r['p99_ms']) for r in b]):.3f} | {med([num(r['p99_ms']) for r in h]):.3f} | "
               f"{errs(b)}/{errs(h)} |")
out.append("\nRound by round (order: which side ran first in the round; load1: 1-minute load average at the start of the run):\n")
out.append("| workload | round | side | order | req/s | p50 ms | p99 ms | p99.9 ms | errors | load1 |")
out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    out.append(f"| {r['workload']} | {r['round']} | {r['side']} | {r['order']} | {num(r['req_per_s']):,.0f} | "
               f"{r['p50_ms']} | {r['p99_ms']} | {r['p999_ms']} | {r['errors']} | {r['load1']} |")
open(md, "w").write("\n".join(out) + "\n")
print("\n".join(out))
EOF
log "done: $md, $tsv"
