#!/usr/bin/env bash
# A local Apache Cassandra 5.0 cluster for developing and testing flarekv's Cassandra engine.
#
#   scripts/cassandra-cluster.sh start [N]   start N nodes (default 1) on 127.0.0.F .. 127.0.0.(F+N-1)
#   scripts/cassandra-cluster.sh stop        stop exactly the nodes this script started (PID files)
#   scripts/cassandra-cluster.sh status      one line per node: pid, alive, native port answering
#   scripts/cassandra-cluster.sh stop-node I stop the node on 127.0.0.I only (failure tests)
#
# F is CASSANDRA_FIRST_NODE (default 1), so two clusters can run side by side (e.g. tests on
# 127.0.0.1 and a 3-node failure test on 127.0.0.11-13). Node i listens on 127.0.0.i (storage
# 7000, CQL 9042, local-only JMX 7199+i); the first node is the seed. Linux routes all of
# 127.0.0.0/8 to loopback, so the aliases need no setup. The server jars come from Maven Central
# through scripts/cassandra/pom.xml (not a reactor module); no Docker, no Python.
#
# Everything lives under the run dir, FLAREKV_CASSANDRA_DIR (default ./.flarekv/cassandra):
#   lib/            the jars (fetched once)
#   node<i>/conf    cassandra.yaml and logback.xml, generated at every start
#   node<i>/data    data, commitlog, saved_caches, hints, cdc_raw
#   node<i>/logs    system.log; node<i>/stdout.log the JVM's own output
#   node<i>/pid     the PID of the node's JVM
# Environment: CASSANDRA_HEAP (default 400m), CASSANDRA_START_TIMEOUT seconds (default 120),
# CASSANDRA_CLUSTER_NAME (default flarekv-dev), CASSANDRA_FIRST_NODE (default 1), CASSANDRA_LIB_DIR
# (default <run dir>/lib: where the jars are fetched to and loaded from).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
RUN_DIR="${FLAREKV_CASSANDRA_DIR:-./.flarekv/cassandra}"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
LIB_DIR="${CASSANDRA_LIB_DIR:-$RUN_DIR/lib}" # several run dirs may share one copy of the jars
HEAP="${CASSANDRA_HEAP:-400m}"
START_TIMEOUT="${CASSANDRA_START_TIMEOUT:-120}"
CLUSTER_NAME="${CASSANDRA_CLUSTER_NAME:-flarekv-dev}"
FIRST="${CASSANDRA_FIRST_NODE:-1}"
CASSANDRA_VERSION=5.0.9 # keep in step with scripts/cassandra/pom.xml

# The --add-exports/--add-opens of Cassandra 5.0's conf/jvm17-server.options.
JDK17_OPTS=(
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.math=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.net=ALL-UNNAMED
)

die() { echo "cassandra-cluster: $*" >&2; exit 1; }

fetch_jars() {
  if [[ -f "$LIB_DIR/.complete-$CASSANDRA_VERSION" ]]; then
    return
  fi
  echo "cassandra-cluster: fetching Cassandra $CASSANDRA_VERSION jars into $LIB_DIR" >&2
  local attempt
  for attempt in 1 2 3; do
    rm -rf "$LIB_DIR"
    if mvn -B -q -f "$SCRIPT_DIR/cassandra/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIB_DIR" >&2; then
      break
    fi
    ((attempt < 3)) || die "could not fetch the Cassandra jars (3 attempts); see the Maven output above"
    echo "cassandra-cluster: fetching the jars failed (attempt $attempt of 3); retrying in 5 s" >&2
    sleep 5
  done
  touch "$LIB_DIR/.complete-$CASSANDRA_VERSION"
}

# Evenly spaced Murmur3 tokens: -2^63 + i * 2^64/N (64-bit wraparound gives the right value).
token_of() {
  local i=$1 n=$2
  local min=$((-9223372036854775807 - 1))
  local step=$((9223372036854775807 / n * 2))
  echo $((min + (i - 1) * step))
}

# Whether pid $1 is alive and is the Cassandra JVM of node dir $2 (guards against PID reuse).
is_our_node() {
  local pid=$1 node_dir=$2
  local cmdline
  # no pipe into grep -q: under pipefail, grep quitting early fails the pipeline (SIGPIPE)
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"-Dflarekv.cassandra.node=$node_dir "* ]]
}

# Whether pid $1 exists and is not a zombie (a child that exited but is not reaped yet).
process_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the state follows the parenthesised command name, which may hold spaces
  [[ -n "$stat" && "${stat:0:1}" != Z ]]
}

native_up() {
  (exec 3<>"/dev/tcp/$1/9042") 2>/dev/null
}

write_config() {
  local i=$1 pos=$2 n=$3 node_dir=$4 seeds=$5
  local ip="127.0.0.$i"
  mkdir -p "$node_dir"/{conf,data/data,data/commitlog,data/saved_caches,data/hints,data/cdc_raw,logs}
  cat >"$node_dir/conf/cassandra.yaml" <<EOF
# generated by scripts/cassandra-cluster.sh: node $pos of $n, on 127.0.0.$i
cluster_name: '$CLUSTER_NAME'
num_tokens: 1
initial_token: $(token_of "$pos" "$n")
allocate_tokens_for_local_replication_factor: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
auto_bootstrap: false
listen_address: $ip
rpc_address: $ip
storage_port: 7000
native_transport_port: 9042
start_native_transport: true
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seeds"
endpoint_snitch: SimpleSnitch
data_file_directories:
  - $node_dir/data/data
commitlog_directory: $node_dir/data/commitlog
saved_caches_directory: $node_dir/data/saved_caches
hints_directory: $node_dir/data/hints
cdc_raw_directory: $node_dir/data/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
# tests drop and truncate tables all the time: no snapshots
auto_snapshot: false
# flarekv's putAll is one LOGGED batch (docs/cassandra.md); the engine keeps one below 8 MiB
batch_size_warn_threshold: 1MiB
batch_size_fail_threshold: 16MiB
concurrent_compactors: 1
compaction_throughput: 64MiB/s
hinted_handoff_enabled: true
max_hint_window: 3h
EOF
  cat >"$node_dir/conf/logback.xml" <<EOF
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$node_dir/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
EOF
}

start_node() {
  local i=$1 pos=$2 n=$3 seeds=$4
  local node_dir="$RUN_DIR/node$i"
  if [[ -f "$node_dir/pid" ]] && is_our_node "$(cat "$node_dir/pid")" "$node_dir"; then
    echo "cassandra-cluster: node $i already running (pid $(cat "$node_dir/pid"))" >&2
    return
  fi
  if native_up "127.0.0.$i"; then
    die "127.0.0.$i:9042 is taken by a process this script did not start"
  fi
  write_config "$i" "$pos" "$n" "$node_dir" "$seeds"
  # setsid: the node does not die with the calling shell or get its terminal signals
  setsid java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Xss512k \
    "${JDK17_OPTS[@]}" \
    -Dflarekv.cassandra.node="$node_dir" \
    -Dcassandra.config="file://$node_dir/conf/cassandra.yaml" \
    -Dlogback.configurationFile="$node_dir/conf/logback.xml" \
    -Dcassandra.logdir="$node_dir/logs" \
    -Dcassandra.storagedir="$node_dir/data" \
    -Dcassandra.jmx.local.port=$((7199 + i)) \
    -Dcassandra.ring_delay_ms=1000 \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.superuser_setup_delay_ms=0 \
    -Dcassandra-foreground=yes \
    -cp "$node_dir/conf:$LIB_DIR/*" \
    org.apache.cassandra.service.CassandraDaemon \
    </dev/null >"$node_dir/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$node_dir/pid"
  # Until the background child has exec'd setsid and then java, its cmdline is this script's (or
  # empty, mid-exec), so is_our_node says no: on a loaded machine wait_node could then call a node
  # that is starting "exited". Wait here until the child is the node's JVM, or is gone.
  local waited=0
  until is_our_node "$pid" "$node_dir"; do
    if ! process_alive "$pid" || ((waited >= 200)); then
      tail -n 30 "$node_dir/stdout.log" >&2 || true
      die "node $i (pid $pid) did not become the Cassandra JVM; see $node_dir/stdout.log"
    fi
    sleep 0.05
    waited=$((waited + 1))
  done
  echo "cassandra-cluster: node $i starting on 127.0.0.$i (pid $pid, logs $node_dir/logs)" >&2
}

wait_node() {
  local i=$1
  local node_dir="$RUN_DIR/node$i"
  local pid deadline=$((SECONDS + START_TIMEOUT))
  pid=$(cat "$node_dir/pid")
  until native_up "127.0.0.$i"; do
    if ! is_our_node "$pid" "$node_dir"; then
      tail -n 30 "$node_dir/stdout.log" >&2 || true
      die "node $i (pid $pid) exited during start; see $node_dir/logs/system.log"
    fi
    if ((SECONDS >= deadline)); then
      die "node $i not answering on 127.0.0.$i:9042 after ${START_TIMEOUT}s (still running, pid $pid)"
    fi
    sleep 1
  done
  echo "cassandra-cluster: node $i up on 127.0.0.$i:9042" >&2
}

stop_node() {
  local node_dir=$1
  [[ -f "$node_dir/pid" ]] || return 0
  local pid
  pid=$(cat "$node_dir/pid")
  if is_our_node "$pid" "$node_dir"; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      is_our_node "$pid" "$node_dir" || break
      sleep 0.5
    done
    if is_our_node "$pid" "$node_dir"; then
      echo "cassandra-cluster: pid $pid ignored SIGTERM for 30 s, sending SIGKILL" >&2
      kill -KILL "$pid"
    fi
    echo "cassandra-cluster: stopped $(basename "$node_dir") (pid $pid)" >&2
  fi
  rm -f "$node_dir/pid"
}

cmd="${1:-}"
case "$cmd" in
  start)
    n="${2:-1}"
    [[ "$n" =~ ^[1-9]$ ]] || die "node count must be 1..9, got '$n'"
    [[ "$FIRST" =~ ^[0-9]+$ ]] && ((FIRST >= 1 && FIRST + n - 1 <= 254)) ||
      die "CASSANDRA_FIRST_NODE must keep 127.0.0.FIRST .. FIRST+N-1 within 1..254"
    command -v java >/dev/null || die "java not found"
    fetch_jars
    start=$SECONDS
    # the first node is the seed; nodes come up one after the other, each joining the seed
    seed="127.0.0.$FIRST:7000"
    for ((pos = 1; pos <= n; pos++)); do
      start_node $((FIRST + pos - 1)) "$pos" "$n" "$seed"
      wait_node $((FIRST + pos - 1))
    done
    echo "cassandra-cluster: $n node(s) up in $((SECONDS - start)) s; contact points:" \
      "$(for ((i = FIRST; i < FIRST + n; i++)); do printf '127.0.0.%d:9042,' "$i"; done | sed 's/,$//')" >&2
    ;;
  stop)
    for node_dir in "$RUN_DIR"/node*; do
      [[ -d "$node_dir" ]] && stop_node "$node_dir"
    done
    ;;
  stop-node)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: $0 stop-node I (last octet of the node's address)"
    stop_node "$RUN_DIR/node$2"
    ;;
  status)
    found=0
    for node_dir in "$RUN_DIR"/node*; do
      [[ -f "$node_dir/pid" ]] || continue
      found=1
      i=${node_dir##*node}
      pid=$(cat "$node_dir/pid")
      alive=no native=no
      is_our_node "$pid" "$node_dir" && alive=yes
      native_up "127.0.0.$i" && native=yes
      echo "node$i pid=$pid alive=$alive native=127.0.0.$i:9042 answering=$native"
    done
    ((found)) || echo "no nodes started from $RUN_DIR"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
