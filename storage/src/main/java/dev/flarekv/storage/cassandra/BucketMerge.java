package dev.flarekv.storage.cassandra;

import static dev.flarekv.storage.cassandra.Async.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.storage.cassandra.CassandraNamespaces.Space;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletionStage;

/**
 * A listing: a namespace's keys are spread over its list buckets (partitions), each sorted by key
 * bytes, so a page is the k-way merge of one range scan per bucket, read page by page and in
 * parallel, in unsigned byte order (docs/cassandra.md, "Buckets, and how a listing merges them").
 */
record BucketMerge(EngineContext engine) {

  /** One bucket's rows of a listing, read page by page. */
  private static final class BucketCursor {
    AsyncResultSet page;
    Iterator<Row> rows;
    Row head;
    byte[] headKey;

    BucketCursor(AsyncResultSet first) {
      this.page = first;
      this.rows = first.currentPage().iterator();
      advance();
    }

    void advance() {
      while (!rows.hasNext() && page.hasMorePages()) {
        page = await(page.fetchNextPage());
        rows = page.currentPage().iterator();
      }
      head = rows.hasNext() ? rows.next() : null;
      headKey = head == null ? null : KeyLayout.bytes(head.getByteBuffer("k"));
    }
  }

  /**
   * Up to {@code limit} unexpired keys of the namespace that start with {@code prefix} and sort
   * after {@code startAfter} (null: from the first); the page is complete when no such key is left.
   */
  KeyPage list(Space space, String prefix, String startAfter, int limit) {
    byte[] prefixBytes = KeyLayout.utf8(prefix);
    ByteBuffer lower = ByteBuffer.wrap(KeyLayout.lowerBound(prefixBytes, startAfter));
    ByteBuffer upper = ByteBuffer.wrap(KeyLayout.upperBound(prefixBytes));
    // Each bucket holds about 1/buckets of the keys; ask for twice that per page (at least
    // 32) and let paging fetch more from a bucket that holds more.
    int pageSize = Math.min(limit + 1, Math.max(32, 2 * (limit + 1) / space.buckets()));
    CqlSession session = engine.session();
    List<CompletionStage<AsyncResultSet>> firsts = new ArrayList<>();
    for (int bucket = 0; bucket < space.buckets(); bucket++) {
      firsts.add(
          session.executeAsync(
              engine
                  .cql()
                  .listBucket
                  .bind(space.id(), bucket, lower, upper)
                  .setPageSize(pageSize)));
    }
    PriorityQueue<BucketCursor> heads =
        new PriorityQueue<>((a, b) -> Arrays.compareUnsigned(a.headKey, b.headKey));
    for (CompletionStage<AsyncResultSet> first : firsts) {
      BucketCursor cursor = new BucketCursor(await(first));
      if (cursor.head != null) {
        heads.add(cursor);
      }
    }
    long now = engine.clock().millis();
    List<KeyInfo> keys = new ArrayList<>();
    boolean complete = true;
    while (!heads.isEmpty()) {
      BucketCursor cursor = heads.poll();
      Row row = cursor.head;
      long expiration = row.getLong("exp");
      if (!KvEntry.isExpiredAt(expiration, now)) {
        if (keys.size() == limit) {
          complete = false;
          break;
        }
        String meta = row.getString("meta");
        keys.add(
            new KeyInfo(
                KeyLayout.string(ByteBuffer.wrap(cursor.headKey)),
                expiration,
                meta == null || meta.isEmpty() ? null : meta));
      }
      cursor.advance();
      if (cursor.head != null) {
        heads.add(cursor);
      }
    }
    return new KeyPage(keys, complete);
  }
}
