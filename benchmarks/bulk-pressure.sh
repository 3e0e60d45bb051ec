#!/usr/bin/env bash
# Memory and liveness under parallel bulk writes: starts its own `flarekv serve` (the real jar) on
# free loopback ports, fires rounds of N parallel ~100 MB bulk PUTs (one generated body, sent by
# curl), polls /healthz every 50 ms meanwhile (a new curl per probe, and a kept-alive connection),
# and samples the server's RSS every 100 ms.
#
#   benchmarks/bulk-pressure.sh [--jar PATH] [--rounds "16 32"] [--idle S] [--name NAME]
#                               [-- JVM option...]
#
# --jar     the server jar (default app/target/flarekv.jar; built when missing)
# --rounds  the parallel bulk counts, one round each, in order (default "16 32")
# --idle    seconds the server idles after each round before "RSS after" is read (default 20)
# JVM options after `--` go to the server (default: none, so the JVM's default heap, 1/4 of RAM).
#
# Prints, per round: bulks answered 200 / 503 / other, the slowest bulk, healthz samples, max and
# p99 latency and failures (no answer within 5 s or not 200), peak RSS during the round, RSS after
# the idle time; at the end VmHWM. Writes benchmarks/results/<name>.md. Stops only what it started.
# Needs about 100 MB per parallel bulk in the client's page cache and the server's data dir (tmp).
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"

jar=""
rounds="16 32"
idle=20
name=""
jvm=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --idle) idle="$2"; shift ;;
    --name) name="$2"; shift ;;
    --) shift; jvm=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bulk-pressure.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
name="${name:-bulk-pressure-$(date +%Y%m%d-%H%M%S)}"
started_at=$(date +%s)
log() { echo "bulk-pressure[$(( $(date +%s) - started_at ))s]: $*" >&2; }

# shellcheck source=lib.sh
source "$here/lib.sh"
if [[ -z $jar ]]; then
  jar="$root/app/target/flarekv.jar"
  if [[ ! -f $jar ]]; then
    log "building flarekv.jar"
    (cd "$root" && mvn -B -q -DskipTests package -pl app -am >&2) || exit 2
  fi
fi
server_jar="$jar" # start_flarekv runs it

tmp="$(mktemp -d /tmp/flarekv-bulk-pressure.XXXXXX)"
pids=()
cleanup() {
  stop_started
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ the body: 10,000 items, ~100 MB
body="$tmp/bulk.json"
python3 - "$body" <<'EOF'
import sys
items, value_len = 10_000, 9_960
with open(sys.argv[1], "w") as out:
    out.write("[")
    for i in range(items):
        # printable ASCII, different per item, no JSON escapes
        chunk = ("v%05d-" % i) * (value_len // 7 + 1)
        out.write(('{"key":"bulk-%05d","value":"%s"}' % (i, chunk[:value_len]))
                  + ("," if i < items - 1 else ""))
    out.write("]")
EOF
body_bytes=$(stat -c %s "$body")
log "body: $body_bytes bytes, 10000 items"

start_flarekv "$tmp/server.log" "${jvm[@]}" -- --data-dir "$tmp/data"
log "server pid $server_pid on port $rest_port (JVM options: ${jvm[*]:-none})"
base="http://127.0.0.1:$rest_port/client/v4/accounts/f1a2e4b0000000000000000000000001/storage/kv/namespaces"
ns=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"title":"bulk-pressure"}' "$base" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["id"])') || exit 1

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null; }
mib() { echo $(( ${1:-0} / 1024 )); }

# one line per healthz probe: "<http code> <seconds>"; a probe gives up after 5 s (code 000)
poll_health() {
  while [[ -e $1.run ]]; do
    curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' \
      "http://127.0.0.1:$rest_port/healthz" >> "$1"
    sleep 0.05
  done
}
# the same on one kept-alive connection: what the server takes, without a client process and a
# connection set up per probe (those wait for a CPU too, behind the 32 uploading curls)
poll_health_keepalive() {
  python3 - "$rest_port" "$1" <<'PY'
import http.client, os, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
with open(out, "a") as f:
    while os.path.exists(out + ".run"):
        start = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            reply = conn.getresponse()
            reply.read()
            code = reply.status
        except OSError:
            code = 0
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        f.write("%03d %.6f\n" % (code, time.perf_counter() - start))
        time.sleep(0.05)
PY
}
sample_rss() {
  while [[ -e $1.run ]]; do
    rss_kib >> "$1"
    sleep 0.1
  done
}

# max_p99 FILE: the max and p99, in ms, of the seconds in the second column of FILE's lines
max_p99() {
  awk '{print $2 * 1000}' "$1" | sort -n | awk '
    { ms[NR] = $1 }
    END { n = NR; p = int(n * 0.99); if (p < n * 0.99) p++; if (p < 1) p = 1
          printf "%.1f %.1f\n", ms[n], ms[p] }'
}

report="$here/results/$name.md"
mkdir -p "$here/results"
{
  echo "# bulk-pressure: $name"
  echo
  echo "jar: \`${jar#"$root"/}\` ($(git -C "$(dirname "$jar")" rev-parse --short HEAD 2>/dev/null || echo '?')),"
  echo "JVM options: \`${jvm[*]:-none (default heap)}\`, body $body_bytes bytes (10,000 items),"
  echo "$(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -1)"
  echo
  echo "| parallel bulks | 200 | 503 | other | slowest bulk s | healthz probes | healthz max ms | healthz p99 ms | healthz failed | kept-alive probes | kept-alive max ms | kept-alive p99 ms | peak RSS MiB | RSS after ${idle}s idle MiB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$report"

for n in $rounds; do
  log "round: $n parallel bulk PUTs"
  hp="$tmp/health-$n" kp="$tmp/keepalive-$n" rp="$tmp/rss-$n"
  : > "$hp"; : > "$kp"; : > "$rp"; touch "$hp.run" "$kp.run" "$rp.run"
  poll_health "$hp" & hpid=$!
  poll_health_keepalive "$kp" & kpid=$!
  sample_rss "$rp" & rpid=$!
  pids+=("$hpid" "$kpid" "$rpid")
  cpids=()
  for i in $(seq 1 "$n"); do
    curl -s -o "$tmp/reply-$n-$i" --max-time 600 -w '%{http_code} %{time_total}\n' -X PUT \
      -H 'Content-Type: application/json' -T "$body" "$base/$ns/bulk" > "$tmp/status-$n-$i" &
    cpids+=($!)
  done
  pids+=("${cpids[@]}")
  for pid in "${cpids[@]}"; do wait "$pid"; done
  rm -f "$hp.run" "$kp.run" "$rp.run"
  wait "$hpid" "$kpid" "$rpid"
  peak=$(sort -n "$rp" | tail -1)
  log "round $n done; idling ${idle}s"
  sleep "$idle"
  after=$(rss_kib)
  ok=$(cat "$tmp"/status-"$n"-* | awk '$1 == 200' | wc -l)
  busy=$(cat "$tmp"/status-"$n"-* | awk '$1 == 503' | wc -l)
  other=$(( n - ok - busy ))
  slowest=$(cat "$tmp"/status-"$n"-* | awk '{print $2}' | sort -n | tail -1)
  probes=$(wc -l < "$hp")
  hfail=$(awk '$1 != 200' "$hp" | wc -l)
  read -r hmax hp99 < <(max_p99 "$hp")
  kprobes=$(wc -l < "$kp")
  kfail=$(awk '$1 != 200' "$kp" | wc -l)
  read -r kmax kp99 < <(max_p99 "$kp")
  [[ $kfail -gt 0 ]] && kmax="$kmax ($kfail failed)"
  line="| $n | $ok | $busy | $other | $slowest | $probes | $hmax | $hp99 | $hfail | $kprobes | $kmax | $kp99 | $(mib "$peak") | $(mib "$after") |"
  echo "$line" >> "$report"
  log "$line"
  grep -h -o '"message":"[^"]*"' "$tmp"/reply-"$n"-* 2>/dev/null | sort | uniq -c | sed 's/^/    /' >&2
done
if command -v jcmd >/dev/null; then # where the RSS left after the load is: heap, or native
  {
    echo
    echo '```'
    jcmd "$server_pid" GC.heap_info 2>&1 | grep -E 'garbage-first|region size' | sed 's/^ *//'
    # with -XX:NativeMemoryTracking=summary among the JVM options
    jcmd "$server_pid" VM.native_memory summary scale=MB 2>&1 \
      | grep -E '^(Total|-  *(Java Heap|Other|Internal|Thread|GC|Class|Code))' | sed 's/^ *//'
    echo '```'
  } >> "$report"
fi
{
  echo
  echo "VmHWM (peak RSS over the whole run): $(mib "$(hwm_kib)") MiB"
  echo
  echo "Command: \`benchmarks/bulk-pressure.sh --jar ${jar#"$root"/} --rounds \"$rounds\" --idle $idle${jvm[*]:+ -- ${jvm[*]}}\`"
} >> "$report"
cat "$report"
