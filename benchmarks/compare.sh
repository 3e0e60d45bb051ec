#!/usr/bin/env bash
# flarekv side by side with Redis, Miniflare's KV and a static nginx (the HTTP ceiling), in one run
# on this machine, with the same concurrency and value size. All traffic stays on 127.0.0.1.
#
#   benchmarks/compare.sh [--quick] [--connections N] [--value-size B] [--name NAME]
#
# --quick   ~2 minutes: 4 s per figure after 3 s of warm-up, 1,000 keys (smoke test)
# default   ~8-12 minutes: 20 s per figure after 5 s of warm-up, 10,000 keys, plus the session,
#           ratelimit, list (1,000,000 keys), bulk and large workloads of flarekv
# Both end with the headline GETs (Redis, flarekv binding, nginx) again, interleaved in rounds
# (3 full, 1 quick), so that the machine's changing background load does not bias their ratios.
#
# Installs what is missing (redis-server, nginx-light, wrk with apt-get; miniflare with npm ci in
# e2e/), starts its own flarekv, redis, nginx and Miniflare on free loopback ports, stops exactly
# the processes it started, and writes <name>.md, <name>.png and <name>.tsv into benchmarks/results/.
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(cd "$here/.." && pwd)"

quick=0
conns=16
value=100
name=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --connections) conns="$2"; shift ;;
    --value-size) value="$2"; shift ;;
    --name) name="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $quick == 1 ]]; then
  dur=4; warm=3; keys=1000; redis_n=100000; list_keys=10000; mode=quick; rounds=1; round_dur=4
  name="${name:-smoke-$(date +%Y%m%d-%H%M%S)}"
else
  dur=20; warm=5; keys=10000; redis_n=1000000; list_keys=1000000; mode=full; rounds=3; round_dur=10
  name="${name:-compare-$(date +%Y%m%d-%H%M%S)}"
fi

results="$here/results"
tmp="$results/tmp/$name"
mkdir -p "$tmp"
tsv="$results/$name.tsv"
started_at=$(date +%s)
log() { echo "compare[$(( $(date +%s) - started_at ))s]: $*" >&2; }

# ------------------------------------------------------------------ processes we start, and only those
# shellcheck source=lib.sh
source "$here/lib.sh"
pids=()
cleanup() {
  stop_started
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

wait_for_port() { # port seconds
  local i
  for i in $(seq 1 $(( $2 * 5 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# ------------------------------------------------------------------ tools
need=()
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
if [[ ${#need[@]} -gt 0 ]]; then
  log "installing ${need[*]} with apt-get"
  sudo=""
  [[ $EUID -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2 \
    || { echo "compare.sh: apt-get install ${need[*]} failed" >&2; exit 2; }
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
if [[ ! -d "$root/e2e/node_modules/miniflare" ]]; then
  log "installing e2e/node_modules (miniflare, pinned by e2e/package-lock.json)"
  (cd "$root/e2e" && npm ci --no-audit --no-fund >&2) || { echo "compare.sh: npm ci failed" >&2; exit 2; }
fi
ensure_jars

java_opts=(--enable-native-access=ALL-UNNAMED)
gen() { # id system op -- generator args
  local id="$1" system="$2" op="$3"
  shift 3
  local c="${gen_conns:-$conns}"
  log "$system $op (generator, $c connections, ${dur}s)"
  timeout $(( warm + dur + 300 )) java "${java_opts[@]}" -jar "$bench_jar" load --progress off \
    -c "$c" -d "${dur}s" --warmup "${warm}s" --value-size "$value" --keys "$keys" \
    --tsv "$tsv" --label "$id:$system:$op" "$@" >&2 \
    || log "WARNING: $id failed (exit $?)"
}
wrk_run() { # id system op url [headers]
  local id="$1" system="$2" op="$3" url="$4" headers="${5:-}" out
  log "$system $op (wrk, $conns connections, ${dur}s)"
  out=$(WRK_HEADERS="$headers" timeout $(( dur + 60 )) wrk -t2 -c"$conns" -d"${dur}s" --timeout 10s \
        -s "$here/wrk-report.lua" "$url" 2>&1)
  local row
  row=$(grep '^WRKROW' <<<"$out" | head -1)
  if [[ -z $row ]]; then
    log "WARNING: $id produced no figure: $out"
    return
  fi
  printf '%s\t%s\t%s\twrk\t%s\t%s\n' "$id" "$system" "$op" "$conns" "$(cut -f2- <<<"$row")" >> "$tsv"
}

# redis_rows ID_PREFIX < redis-benchmark --csv: one TSV row per GET/SET test
redis_rows() {
  local test rps _avg _min p50 _p95 p99 max
  # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  while IFS=, read -r test rps _avg _min p50 _p95 p99 max; do
    test=${test//\"/}
    [[ $test == GET || $test == SET ]] || continue
    printf '%s\tredis\t%s\tredis-benchmark\t%s\t%s\t%s\t-\t%s\t-\t%s\t0\n' "$1${test,,}" "$test" "$conns" \
      "${rps//\"/}" "${p50//\"/}" "${p99//\"/}" "${max//\"/}"
  done
}

account=f1a2e4b0000000000000000000000001

# start_fk DATA_DIR LOGFILE: starts `flarekv serve` on free ports; sets fk_port, fk_bind, fk_url and
# fk_pid (also added to pids); fails unless both listeners answer within 60 s
start_fk() {
  fk_port=$(free_port)
  fk_bind=$(free_port)
  log "starting flarekv on 127.0.0.1:$fk_port (binding $fk_bind)"
  java "${java_opts[@]}" -jar "$server_jar" serve --host 127.0.0.1 --port "$fk_port" \
    --binding-port "$fk_bind" --data-dir "$1" > "$2" 2>&1 &
  fk_pid=$!
  pids+=("$fk_pid")
  fk_url="http://127.0.0.1:$fk_port/client/v4"
  wait_for_port "$fk_port" 60 && wait_for_port "$fk_bind" 10
}

# start_redis LOGFILE: starts redis-server (no persistence) on a free port; sets rd_port and rd_pid
# (also added to pids); fails unless it answers within 20 s
start_redis() {
  rd_port=$(free_port)
  log "starting redis-server on 127.0.0.1:$rd_port"
  redis-server --bind 127.0.0.1 --port "$rd_port" --save '' --appendonly no --daemonize no \
    --dir "$tmp" --logfile "$1" &
  rd_pid=$!
  pids+=("$rd_pid")
  wait_for_port "$rd_port" 20
}

# create_namespace TITLE: creates a namespace on the flarekv at fk_url and prints its id
create_namespace() {
  curl -sf -X POST "$fk_url/accounts/$account/storage/kv/namespaces" \
    -H 'content-type: application/json' -d "{\"title\":\"$1\"}" \
    | grep -o '"id":"[0-9a-f]\{32\}"' | cut -d'"' -f4
}

# half the throughput of run <id> (for the open-loop p99 runs)
half() { awk -F'\t' -v id="$1" '$1==id { printf "%d", $6 / 2 }' "$tsv"; }

printf '%s\n' $'id\tsystem\top\ttool\tconns\trps\tp50\tp90\tp99\tp99.9\tmax\terrors' > "$tsv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ flarekv
start_fk "$tmp/flarekv-data" "$tmp/flarekv.log" \
  || { echo "compare.sh: flarekv did not start:" >&2; cat "$tmp/flarekv.log" >&2; exit 1; }
ns=$(create_namespace compare)
[[ -n $ns ]] || { echo "compare.sh: cannot create a namespace" >&2; exit 1; }
fk=(--url "$fk_url" --binding-address "127.0.0.1:$fk_bind" --namespace-id "$ns")

# the read runs preload keys k0000000.. into the namespace; later runs reuse them
gen fkv-rest-get flarekv "GET (REST)" -w read -s rest "${fk[@]}"
gen fkv-bind-get flarekv "GET (binding)" -w read -s binding "${fk[@]}" --no-preload
gen fkv-rest-put flarekv "PUT (REST)" -w write -s rest "${fk[@]}"
gen fkv-bind-put flarekv "PUT (binding)" -w write -s binding "${fk[@]}"
wrk_run fkv-bind-get-wrk flarekv "GET (binding)" "http://127.0.0.1:$fk_bind/k0000001?urlencoded=true" \
  "X-Flarekv-Namespace: $ns"
wrk_run fkv-rest-get-wrk flarekv "GET (REST)" "$fk_url/accounts/$account/storage/kv/namespaces/$ns/values/k0000001"
if [[ $quick == 0 ]]; then
  gen fkv-bind-session flarekv "session 95/5 (binding)" -w session -s binding "${fk[@]}" --no-preload
  # the p99 target is set at half the peak: open loop (no coordinated omission) at rps/2
  for w in get:read session:session; do
    peak_id="fkv-bind-${w%%:*}"
    rate=$(half "$peak_id")
    if [[ -n $rate && $rate -gt 0 ]]; then
      gen "$peak_id-half" flarekv "${w#*:} at half peak, $rate/s open loop (binding)" \
        -w "${w#*:}" -s binding "${fk[@]}" --no-preload --rate "$rate"
    fi
  done
  gen fkv-bind-ratelimit flarekv "ratelimit get+put (binding)" -w ratelimit -s binding "${fk[@]}"
  gen fkv-bind-list flarekv "list 100 of ${list_keys} keys (binding)" -w list -s binding \
    --url "$fk_url" --binding-address "127.0.0.1:$fk_bind" --list-keys "$list_keys"
  gen_conns=2 gen fkv-rest-bulk flarekv "bulk put 1000 (REST)" -w bulk -s rest "${fk[@]}"
  gen_conns=4 gen fkv-bind-large flarekv "1 MiB get/put (binding)" -w large -s binding "${fk[@]}"
fi
stop_pid "${pids[-1]}"

# ------------------------------------------------------------------ Redis
start_redis "$tmp/redis.log" || { echo "compare.sh: redis did not start" >&2; exit 1; }
log "redis GET/SET (redis-benchmark -t set,get -d $value -c $conns -P 1 -n $redis_n)"
rb=$(timeout 300 redis-benchmark -h 127.0.0.1 -p "$rd_port" -t set,get -d "$value" -c "$conns" -P 1 \
       -n "$redis_n" -r "$keys" --csv 2>/dev/null)
redis_rows "redis-" <<<"$rb" >> "$tsv"
stop_pid "${pids[-1]}"

# ------------------------------------------------------------------ Miniflare
mf_port=$(free_port)
log "starting Miniflare on 127.0.0.1:$mf_port"
node "$here/miniflare-kv.mjs" "$mf_port" "$root/e2e" > "$tmp/miniflare.log" 2>&1 &
pids+=($!)
if wait_for_port "$mf_port" 60; then
  mf=(--url "http://127.0.0.1:$mf_port/" -s http)
  gen mf-get miniflare "GET" -w read "${mf[@]}"
  gen mf-put miniflare "PUT" -w write "${mf[@]}"
  wrk_run mf-get-wrk miniflare "GET" "http://127.0.0.1:$mf_port/k0000001"
  stop_pid "${pids[-1]}"
else
  log "WARNING: Miniflare did not start: $(cat "$tmp/miniflare.log")"
fi

# ------------------------------------------------------------------ nginx, the HTTP ceiling
ng_port=$(free_port)
mkdir -p "$tmp/www" "$tmp/nginx"
head -c "$value" /dev/zero | tr '\0' 'v' > "$tmp/www/value"
user_line=""
[[ $EUID -eq 0 ]] && user_line="user root;"
cat > "$tmp/nginx/nginx.conf" <<EOF
$user_line
daemon off;
master_process on;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$ng_port;
    root $tmp/www;
    location / { default_type application/octet-stream; }
    # any /kv/<key> answers the same value: the generator's http surface in open loop
    location /kv/ { default_type application/octet-stream; try_files /value =404; }
  }
}
EOF
log "starting nginx on 127.0.0.1:$ng_port"
"$nginx_bin" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -e "$tmp/nginx/error.log" &
pids+=($!)
if wait_for_port "$ng_port" 20; then
  wrk_run nginx-wrk nginx "static GET ${value} B" "http://127.0.0.1:$ng_port/value"
  # the latency ceiling: the same generator, open loop at flarekv's read half-peak rate, so the
  # p99 at that rate can be judged against what this machine gives a static HTTP server
  if [[ $quick == 0 ]]; then
    rate=$(half fkv-bind-get)
    if [[ -n $rate && $rate -gt 0 ]]; then
      gen nginx-half nginx "static GET at flarekv's read half peak, $rate/s open loop" \
        -s http --url "http://127.0.0.1:$ng_port/kv/" -w read --no-preload --namespace-id none \
        --rate "$rate"
    fi
  fi
else
  log "WARNING: nginx did not start: $(cat "$tmp/nginx/error.log" 2>/dev/null)"
fi

# ------------------------------------------------------------------ GET, interleaved rounds
# The figures above are taken one system after another, so a change in the machine's background
# load over the run (it is shared) biases the ratios. The headline comparison is therefore also
# taken in rounds: Redis GET (redis-benchmark), flarekv binding GET and nginx (both wrk), one after
# another in each round, each the lightest client of its protocol; the median round of each counts.
if [[ -n ${ng_port:-} ]] && kill -0 "${pids[-1]}" 2>/dev/null; then
  ng_pid=${pids[-1]}
  rounds_tsv="$tmp/rounds.tsv"
  : > "$rounds_tsv"
  log "interleaved rounds: a fresh flarekv and redis-server"
  if start_fk "$tmp/flarekv-rounds" "$tmp/flarekv-rounds.log" && start_redis "$tmp/redis-rounds.log"; then
    ns=$(create_namespace rounds)
    curl -sf -X PUT "$fk_url/accounts/$account/storage/kv/namespaces/$ns/values/k0000001" \
      --data-binary @"$tmp/www/value" > /dev/null
    fk_get="http://127.0.0.1:$fk_bind/k0000001?urlencoded=true"
    # warm-up: Redis keys (SET), flarekv's JIT, nginx
    redis-benchmark -h 127.0.0.1 -p "$rd_port" -t set -d "$value" -c "$conns" -P 1 -n "$redis_n" \
      -r "$keys" -q > /dev/null 2>&1
    WRK_HEADERS="X-Flarekv-Namespace: $ns" timeout 60 wrk -t2 -c"$conns" -d"${warm}s" "$fk_get" -s "$here/wrk-report.lua" > /dev/null 2>&1
    saved_tsv=$tsv saved_dur=$dur
    tsv=$rounds_tsv dur=$round_dur
    for r in $(seq 1 "$rounds"); do
      log "interleaved round $r of $rounds: redis GET, flarekv binding GET, nginx"
      timeout 300 redis-benchmark -h 127.0.0.1 -p "$rd_port" -t get -d "$value" -c "$conns" -P 1 \
        -n "$redis_n" -r "$keys" --csv 2>/dev/null | redis_rows "rounds-redis-" >> "$rounds_tsv"
      wrk_run rounds-fkv flarekv "GET (binding)" "$fk_get" "X-Flarekv-Namespace: $ns"
      wrk_run rounds-nginx nginx "static GET ${value} B" "http://127.0.0.1:$ng_port/value"
    done
    tsv=$saved_tsv dur=$saved_dur
    # the median round of each system (by requests/s), renamed for the report
    for pair in "rounds-redis-get:redis-get-rounds:GET" "rounds-fkv:fkv-bind-get-rounds:GET (binding)" \
                "rounds-nginx:nginx-rounds:static GET ${value} B"; do
      IFS=: read -r from to op <<<"$pair"
      awk -F'\t' -v id="$from" '$1==id' "$rounds_tsv" | sort -t$'\t' -k6,6g \
        | awk -F'\t' -v OFS='\t' -v id="$to" -v op="$op, median of $rounds interleaved rounds" \
              '{ rows[NR] = $0 } END { if (NR) { split(rows[int((NR + 1) / 2)], f, "\t"); f[1] = id; f[3] = op;
                 line = f[1]; for (i = 2; i <= 12; i++) line = line OFS f[i]; print line } }' >> "$tsv"
    done
    rounds_context="interleaved rounds (requests/s, round by round): $(
      for id in rounds-redis-get rounds-fkv rounds-nginx; do
        printf '%s %s; ' "${id#rounds-}" "$(awk -F'\t' -v id="$id" '$1==id { printf "%s%d", sep, $6; sep="/" }' "$rounds_tsv")"
      done)"
  else
    log "WARNING: the interleaved rounds could not start flarekv or redis"
  fi
  stop_pid "$rd_pid"
  stop_pid "$fk_pid"
  stop_pid "$ng_pid"
fi

# ------------------------------------------------------------------ report
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
versions="$(redis-server --version | cut -d' ' -f1-3), $("$nginx_bin" -v 2>&1 | cut -d' ' -f3), \
$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), miniflare $(node -p "require('$root/e2e/node_modules/miniflare/package.json').version"), \
node $(node --version), $(java -version 2>&1 | head -1)"
ratios=(
  "flarekv binding GET / Redis GET (interleaved rounds, median; wrk vs redis-benchmark)=fkv-bind-get-rounds/redis-get-rounds"
  "flarekv binding GET / nginx static GET (interleaved rounds, median; wrk)=fkv-bind-get-rounds/nginx-rounds"
  "nginx static GET / Redis GET (interleaved rounds, median: the HTTP ceiling against RESP)=nginx-rounds/redis-get-rounds"
  "flarekv binding GET / Redis GET=fkv-bind-get/redis-get"
  "flarekv REST GET / Redis GET=fkv-rest-get/redis-get"
  "flarekv binding PUT / Redis SET=fkv-bind-put/redis-set"
  "flarekv binding GET / Miniflare GET (same generator)=fkv-bind-get/mf-get"
  "flarekv REST GET / Miniflare GET (same generator)=fkv-rest-get/mf-get"
  "flarekv binding PUT / Miniflare PUT (same generator)=fkv-bind-put/mf-put"
  "flarekv binding GET / Miniflare GET (wrk)=fkv-bind-get-wrk/mf-get-wrk"
  "flarekv binding GET / nginx static GET (wrk, the ceiling)=fkv-bind-get-wrk/nginx-wrk"
  "flarekv REST GET / nginx static GET (wrk, the ceiling)=fkv-rest-get-wrk/nginx-wrk"
)
ratio_args=()
for r in "${ratios[@]}"; do ratio_args+=(--ratio "$r"); done
java -Djava.awt.headless=true -jar "$bench_jar" report --input "$tsv" \
  --markdown "$results/$name.md" --png "$results/$name.png" \
  --title "flarekv side by side ($mode run, $conns connections, ${value} B values)" \
  --context "run: $(date -u '+%Y-%m-%d %H:%M UTC'), $mode mode, $(( $(date +%s) - started_at )) s in all; command: benchmarks/compare.sh $([[ $quick == 1 ]] && echo --quick)" \
  --context "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; generator and servers share it; load average before/after: $load_before / $load_after" \
  --context "each figure: ${dur} s measured after ${warm} s of warm-up (generator), ${dur} s (wrk -t2), ${redis_n} requests per test (redis-benchmark, -P 1, random keys over ${keys}); ${keys} keys of ${value} B" \
  --context "flarekv: default options (unsynced WAL), fresh data dir; Miniflare: in-memory KV behind a 15-line Worker (benchmarks/miniflare-kv.mjs); nginx: a static ${value}-byte file, access log off" \
  --context "versions: $versions" \
  ${rounds_context:+--context "$rounds_context"} \
  --context "the generator is flarekv-bench (Netty on epoll, one request in flight per keep-alive connection; closed loop, except the half-peak rows: open loop, latency from each request's intended send time); wrk hits one key; redis-benchmark reports no p90/p99.9" \
  "${ratio_args[@]}"
log "done: $results/$name.md, $results/$name.png, $results/$name.tsv"
