package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;

/**
 * A row of {@code kv} as read: the value is complete only for an inline record ({@code chunks ==
 * 0}); otherwise {@link ChunkedValues#read} assembles it from version {@code version}'s chunks.
 */
record StoredRecord(
    String key,
    long expiration,
    String metadata,
    ByteBuffer inline,
    int length,
    int chunks,
    long version) {

  static StoredRecord of(String key, Row row) {
    String meta = row.getString("meta");
    return new StoredRecord(
        key,
        row.getLong("exp"),
        meta == null || meta.isEmpty() ? null : meta,
        row.getByteBuffer("val"),
        row.getInt("vlen"),
        row.getInt("chunks"),
        row.getLong("ver"));
  }
}
