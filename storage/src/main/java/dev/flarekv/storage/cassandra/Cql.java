package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The schema and every statement of the engine, prepared once per session. Table and column layout:
 * docs/cassandra.md. No column is ever written as null (a null write is a cell tombstone, and
 * tombstones slow down listing): "no metadata" is {@code ''}, "no expiration" is {@code 0}.
 */
final class Cql {
  /**
   * The data tables, in creation order (what test support truncates). {@code kv_leases}, created
   * last, holds only maintenance leases that expire on their own.
   */
  static final List<String> TABLES =
      List.of("namespaces", "namespace_titles", "kv", "kv_chunks", "kv_expiry", "kv_expiry_hours");

  /**
   * Tombstones of deleted keys must outlive the longest a replica can miss a delete without being
   * repaired: a day, with repair run at least daily (docs/cassandra.md). The expiry index only
   * holds hints, so a resurrected entry costs one lookup; its grace period is an hour.
   */
  static final int DATA_GC_GRACE_SECONDS = 86_400;

  static final int INDEX_GC_GRACE_SECONDS = 3_600;

  private static final String LEVELED_WITH_TOMBSTONE_COMPACTION =
      "{'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': '160',"
          + " 'tombstone_threshold': '0.1', 'unchecked_tombstone_compaction': 'true'}";

  /** Stands for the keyspace in the statements below. */
  private static final String KS = "{ks}";

  /**
   * Every table, after {@code CREATE TABLE IF NOT EXISTS <keyspace>.}, in creation order ({@link
   * #TABLES} and then {@code kv_leases}).
   */
  private static final List<String> TABLE_DEFINITIONS =
      List.of(
          "namespaces (id text PRIMARY KEY, account text, title text, buckets int)",
          "namespace_titles (account text, title text, id text, PRIMARY KEY ((account), title))",
          "kv (ns text, bucket int, k blob, exp bigint, meta text, val blob, vlen int,"
              + " chunks int, ver bigint, PRIMARY KEY ((ns, bucket), k))"
              + " WITH compaction = "
              + LEVELED_WITH_TOMBSTONE_COMPACTION
              + " AND gc_grace_seconds = "
              + DATA_GC_GRACE_SECONDS,
          "kv_chunks (ns text, k blob, ver bigint, chunk int, data blob,"
              + " PRIMARY KEY ((ns, k), ver, chunk))"
              + " WITH gc_grace_seconds = "
              + DATA_GC_GRACE_SECONDS,
          "kv_expiry (hour bigint, shard int, exp bigint, ns text, k blob, bucket int,"
              + " PRIMARY KEY ((hour, shard), exp, ns, k))"
              + " WITH compaction = "
              + LEVELED_WITH_TOMBSTONE_COMPACTION
              + " AND gc_grace_seconds = "
              + INDEX_GC_GRACE_SECONDS,
          "kv_expiry_hours (slot int, hour bigint, PRIMARY KEY ((slot), hour))"
              + " WITH gc_grace_seconds = "
              + INDEX_GC_GRACE_SECONDS,
          "kv_leases (name text PRIMARY KEY, owner text) WITH gc_grace_seconds = "
              + INDEX_GC_GRACE_SECONDS);

  final PreparedStatement insertNamespace;
  final PreparedStatement selectNamespace;
  final PreparedStatement updateNamespaceTitle;
  final PreparedStatement deleteNamespaceRow;
  final PreparedStatement claimTitle;
  final PreparedStatement releaseTitle;
  final PreparedStatement selectTitles;
  final PreparedStatement countTitles;

  final PreparedStatement insertRecord;
  final PreparedStatement selectRecord;
  final PreparedStatement selectRecords;
  final PreparedStatement deleteRecord;
  final PreparedStatement listBucket;
  final PreparedStatement scanBucketChunked;
  final PreparedStatement deleteBucket;

  /** A record's expiration, chunk count and version (and the write time of {@code exp}). */
  final PreparedStatement selectRecordHead;

  final PreparedStatement countRecords;

  final PreparedStatement insertChunk;
  final PreparedStatement selectChunks;
  final PreparedStatement deleteOlderChunks;
  final PreparedStatement deleteChunkVersion;
  final PreparedStatement deleteChunks;
  final PreparedStatement scanChunkPartitions;
  final PreparedStatement selectChunkVersions;

  final PreparedStatement insertExpiry;
  final PreparedStatement insertHour;
  final PreparedStatement selectHours;
  final PreparedStatement selectDue;
  final PreparedStatement deleteExpiry;
  final PreparedStatement deleteHour;

  final PreparedStatement claimLease;

  private Cql(CqlSession session, String ks) {
    Function<String, PreparedStatement> prepare = cql -> session.prepare(cql.replace(KS, ks));
    insertNamespace =
        prepare.apply(
            "INSERT INTO {ks}.namespaces (id, account, title, buckets) VALUES (?, ?, ?, ?)");
    selectNamespace =
        prepare.apply("SELECT account, title, buckets FROM {ks}.namespaces WHERE id = ?");
    updateNamespaceTitle = prepare.apply("UPDATE {ks}.namespaces SET title = ? WHERE id = ?");
    deleteNamespaceRow = prepare.apply("DELETE FROM {ks}.namespaces WHERE id = ?");
    claimTitle =
        prepare.apply(
            "INSERT INTO {ks}.namespace_titles (account, title, id)"
                + " VALUES (?, ?, ?) IF NOT EXISTS");
    releaseTitle =
        prepare.apply(
            "DELETE FROM {ks}.namespace_titles WHERE account = ? AND title = ? IF id = ?");
    selectTitles = prepare.apply("SELECT title, id FROM {ks}.namespace_titles WHERE account = ?");
    countTitles = prepare.apply("SELECT COUNT(*) FROM {ks}.namespace_titles WHERE account = ?");

    insertRecord =
        prepare.apply(
            "INSERT INTO {ks}.kv (ns, bucket, k, exp, meta, val, vlen, chunks, ver)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?");
    selectRecord =
        prepare.apply(
            "SELECT exp, meta, val, vlen, chunks, ver FROM {ks}.kv"
                + " WHERE ns = ? AND bucket = ? AND k = ?");
    selectRecords =
        prepare.apply(
            "SELECT k, exp, meta, val, vlen, chunks, ver FROM {ks}.kv"
                + " WHERE ns = ? AND bucket = ? AND k IN ?");
    deleteRecord =
        prepare.apply(
            "DELETE FROM {ks}.kv USING TIMESTAMP ? WHERE ns = ? AND bucket = ? AND k = ?");
    listBucket =
        prepare.apply(
            "SELECT k, exp, meta FROM {ks}.kv WHERE ns = ? AND bucket = ? AND k >= ? AND k < ?");
    scanBucketChunked = prepare.apply("SELECT k, chunks FROM {ks}.kv WHERE ns = ? AND bucket = ?");
    deleteBucket =
        prepare.apply("DELETE FROM {ks}.kv USING TIMESTAMP ? WHERE ns = ? AND bucket = ?");
    selectRecordHead =
        prepare.apply(
            "SELECT exp, chunks, ver, WRITETIME(exp) AS wt FROM {ks}.kv"
                + " WHERE ns = ? AND bucket = ? AND k = ?");
    countRecords = prepare.apply("SELECT COUNT(*) FROM {ks}.kv");

    insertChunk =
        prepare.apply(
            "INSERT INTO {ks}.kv_chunks (ns, k, ver, chunk, data) VALUES (?, ?, ?, ?, ?)"
                + " USING TTL ? AND TIMESTAMP ?");
    selectChunks =
        prepare.apply("SELECT chunk, data FROM {ks}.kv_chunks WHERE ns = ? AND k = ? AND ver = ?");
    deleteOlderChunks =
        prepare.apply(
            "DELETE FROM {ks}.kv_chunks USING TIMESTAMP ? WHERE ns = ? AND k = ? AND ver < ?");
    deleteChunkVersion =
        prepare.apply(
            "DELETE FROM {ks}.kv_chunks USING TIMESTAMP ? WHERE ns = ? AND k = ? AND ver = ?");
    deleteChunks =
        prepare.apply("DELETE FROM {ks}.kv_chunks USING TIMESTAMP ? WHERE ns = ? AND k = ?");
    scanChunkPartitions = prepare.apply("SELECT DISTINCT ns, k FROM {ks}.kv_chunks");
    selectChunkVersions = prepare.apply("SELECT ver FROM {ks}.kv_chunks WHERE ns = ? AND k = ?");

    insertExpiry =
        prepare.apply(
            "INSERT INTO {ks}.kv_expiry (hour, shard, exp, ns, k, bucket)"
                + " VALUES (?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?");
    insertHour =
        prepare.apply(
            "INSERT INTO {ks}.kv_expiry_hours (slot, hour) VALUES (0, ?)"
                + " USING TTL ? AND TIMESTAMP ?");
    selectHours =
        prepare.apply("SELECT hour FROM {ks}.kv_expiry_hours WHERE slot = 0 AND hour <= ?");
    selectDue =
        prepare.apply(
            "SELECT exp, ns, k, bucket FROM {ks}.kv_expiry"
                + " WHERE hour = ? AND shard = ? AND exp <= ? LIMIT ?");
    deleteExpiry =
        prepare.apply(
            "DELETE FROM {ks}.kv_expiry USING TIMESTAMP ?"
                + " WHERE hour = ? AND shard = ? AND exp = ? AND ns = ? AND k = ?");
    deleteHour =
        prepare.apply(
            "DELETE FROM {ks}.kv_expiry_hours USING TIMESTAMP ? WHERE slot = 0 AND hour = ?");
    claimLease =
        prepare.apply(
            "INSERT INTO {ks}.kv_leases (name, owner) VALUES (?, ?) IF NOT EXISTS USING TTL ?");
  }

  /** Creates the keyspace and tables if missing, then prepares the statements. */
  static Cql create(CqlSession session, CassandraConfig config) {
    String ks = config.keyspace();
    Duration timeout = config.schemaTimeout();
    ddl(
        session,
        timeout,
        "CREATE KEYSPACE IF NOT EXISTS "
            + ks
            + " WITH replication = {'class': 'NetworkTopologyStrategy', '"
            + config.localDatacenter()
            + "': "
            + config.replicationFactor()
            + "}");
    for (String table : TABLE_DEFINITIONS) {
      ddl(session, timeout, "CREATE TABLE IF NOT EXISTS " + ks + "." + table);
    }
    return new Cql(session, ks);
  }

  static void ddl(CqlSession session, Duration timeout, String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(timeout));
  }
}
