package dev.flarekv.storage.cassandra;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where and how the Cassandra engine stores its data (docs/cassandra.md).
 *
 * @param contactPoints nodes to reach the cluster through (the driver discovers the others)
 * @param localDatacenter the data center the front end talks to; {@code datacenter1} for a cluster
 *     with {@code SimpleSnitch}
 * @param keyspace created with its tables on open if missing
 * @param replicationFactor used only when the keyspace is created (NetworkTopologyStrategy in the
 *     local data center)
 * @param consistency for every read and write: {@code QUORUM} (default), {@code LOCAL_QUORUM},
 *     {@code ONE}, {@code ALL}, ...
 * @param serialConsistency for the lightweight transactions that keep namespace titles unique
 * @param listBuckets how many hash buckets (partitions) hold the keys of a namespace created from
 *     now on; a namespace keeps the count it was created with
 * @param requestTimeout per request
 * @param schemaTimeout for creating the keyspace and tables, and waiting for schema agreement
 * @param namespaceCacheTtl how long a front end trusts that a namespace it has seen still exists
 *     before it reads it again (a namespace deleted through another front end stays writable here
 *     that long; such writes are discarded, see docs/cassandra.md)
 * @param chunkGcInterval how often this front end scans {@code kv_chunks} for chunk versions no
 *     record points to ({@link Duration#ZERO}: never; docs/cassandra.md, "Chunk garbage")
 */
public record CassandraConfig(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    int replicationFactor,
    String consistency,
    String serialConsistency,
    int listBuckets,
    Duration requestTimeout,
    Duration schemaTimeout,
    Duration namespaceCacheTtl,
    Duration chunkGcInterval) {

  public static final String DEFAULT_KEYSPACE = "flarekv";
  public static final String DEFAULT_DATACENTER = "datacenter1";
  public static final int DEFAULT_LIST_BUCKETS = 16;
  public static final int DEFAULT_PORT = 9042;
  public static final Duration DEFAULT_CHUNK_GC_INTERVAL = Duration.ofHours(24);

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Set<String> LEVELS =
      Set.of(
          "ONE",
          "TWO",
          "THREE",
          "QUORUM",
          "ALL",
          "LOCAL_QUORUM",
          "EACH_QUORUM",
          "LOCAL_ONE",
          "SERIAL",
          "LOCAL_SERIAL");

  public CassandraConfig {
    contactPoints = List.copyOf(Objects.requireNonNull(contactPoints, "contactPoints"));
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("at least one Cassandra contact point is needed");
    }
    Objects.requireNonNull(localDatacenter, "localDatacenter");
    Objects.requireNonNull(keyspace, "keyspace");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException(
          "keyspace must match [a-z][a-z0-9_]{0,47}, got '" + keyspace + "'");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be >= 1: " + replicationFactor);
    }
    consistency = level(consistency, "consistency");
    serialConsistency = level(serialConsistency, "serialConsistency");
    if (!serialConsistency.endsWith("SERIAL")) {
      throw new IllegalArgumentException(
          "serialConsistency must be SERIAL or LOCAL_SERIAL, got " + serialConsistency);
    }
    if (listBuckets < 1 || listBuckets > 1024) {
      throw new IllegalArgumentException("listBuckets must be 1..1024: " + listBuckets);
    }
    positive(requestTimeout, "requestTimeout");
    positive(schemaTimeout, "schemaTimeout");
    Objects.requireNonNull(namespaceCacheTtl, "namespaceCacheTtl");
    if (namespaceCacheTtl.isNegative()) {
      throw new IllegalArgumentException("namespaceCacheTtl must be >= 0");
    }
    Objects.requireNonNull(chunkGcInterval, "chunkGcInterval");
    if (chunkGcInterval.isNegative()) {
      throw new IllegalArgumentException("chunkGcInterval must be >= 0");
    }
  }

  /**
   * QUORUM reads and writes, 16 list buckets, 10 s requests, 60 s for schema changes, a 2 s
   * namespace cache, a chunk garbage pass a day.
   */
  public static CassandraConfig defaults(
      List<InetSocketAddress> contactPoints, String keyspace, int replicationFactor) {
    return new CassandraConfig(
        contactPoints,
        DEFAULT_DATACENTER,
        keyspace,
        replicationFactor,
        "QUORUM",
        "SERIAL",
        DEFAULT_LIST_BUCKETS,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(2),
        DEFAULT_CHUNK_GC_INTERVAL);
  }

  /** Parses {@code host[:port],host[:port],...} (port 9042 when left out). */
  public static List<InetSocketAddress> parseContactPoints(String text) {
    List<InetSocketAddress> points = new ArrayList<>();
    for (String part : text.split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int colon = trimmed.lastIndexOf(':');
      String host = colon < 0 ? trimmed : trimmed.substring(0, colon);
      int port = DEFAULT_PORT;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad port in contact point '" + trimmed + "'", e);
        }
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("bad contact point '" + trimmed + "'");
      }
      points.add(InetSocketAddress.createUnresolved(host, port));
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("no contact point in '" + text + "'");
    }
    return points;
  }

  public CassandraConfig withKeyspace(String newKeyspace) {
    return new CassandraConfig(
        contactPoints,
        localDatacenter,
        newKeyspace,
        replicationFactor,
        consistency,
        serialConsistency,
        listBuckets,
        requestTimeout,
        schemaTimeout,
        namespaceCacheTtl,
        chunkGcInterval);
  }

  private static String level(String value, String name) {
    Objects.requireNonNull(value, name);
    String upper = value.toUpperCase(java.util.Locale.ROOT);
    if (!LEVELS.contains(upper)) {
      throw new IllegalArgumentException(name + " must be one of " + LEVELS + ", got " + value);
    }
    return upper;
  }

  private static void positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
  }
}
