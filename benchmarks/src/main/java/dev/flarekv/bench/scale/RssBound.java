package dev.flarekv.bench.scale;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The most resident memory flarekv can hold, worked out from its configuration (numbers from the
 * server's code; see benchmarks/README.md):
 *
 * <ul>
 *   <li>Java heap: {@code -Xmx}.
 *   <li>Direct memory: Netty's buffers (request bodies while they are collected, responses); Netty
 *       and the JDK cap them at {@code -XX:MaxDirectMemorySize}, which defaults to the heap size.
 *   <li>The body budget ({@code BodyBudget.forHeap()}: max(256 MiB, heap / 2)) caps request bodies
 *       held at once; they live in the direct memory above, so it is reported but not added again.
 *   <li>RocksDB block cache: {@code StoreConfig.DEFAULT_BLOCK_CACHE_BYTES}, 64 MiB.
 *   <li>RocksDB memtables: 4 column families (default, namespaces, data, expiry), each with up to 2
 *       write buffers (RocksDB's default {@code max_write_buffer_number}) of 64 MiB (the data CF's
 *       {@code WRITE_BUFFER_BYTES}, RocksDB's default for the others): 512 MiB.
 *   <li>Values in flight in native memory: a read of a blob-stored value (>= 64 KiB) is copied out
 *       of RocksDB into a native buffer before the Java array; at most one per storage thread
 *       ({@code max(4, 4 x cores)}) of up to 25 MiB.
 *   <li>JVM native overhead (metaspace, code cache, thread stacks, GC structures): an allowance.
 * </ul>
 */
public record RssBound(
    long heapBytes,
    long directBytes,
    long bodyBudgetBytes,
    long blockCacheBytes,
    long memtableBytes,
    long valuesInFlightBytes,
    long jvmOverheadBytes) {
  static final long MIB = 1024L * 1024;
  static final long BLOCK_CACHE = 64 * MIB;
  static final long WRITE_BUFFER = 64 * MIB;
  static final int COLUMN_FAMILIES = 4;
  static final int WRITE_BUFFERS_PER_CF = 2;
  static final long MAX_VALUE = 25 * MIB;
  static final long JVM_OVERHEAD = 256 * MIB;

  /**
   * @param heapBytes the server's {@code -Xmx}
   * @param maxDirectBytes its {@code -XX:MaxDirectMemorySize}, or 0 when not set (= the heap)
   * @param cores the server's available processors (storage threads are max(4, 4 x cores))
   */
  public static RssBound forServer(long heapBytes, long maxDirectBytes, int cores) {
    long direct = maxDirectBytes > 0 ? maxDirectBytes : heapBytes;
    long storageThreads = Math.max(4, 4L * cores);
    return new RssBound(
        heapBytes,
        direct,
        Math.max(256 * MIB, heapBytes / 2),
        BLOCK_CACHE,
        (long) COLUMN_FAMILIES * WRITE_BUFFERS_PER_CF * WRITE_BUFFER,
        storageThreads * MAX_VALUE,
        JVM_OVERHEAD);
  }

  /** The bound: everything but the body budget (already inside direct memory). */
  public long totalBytes() {
    return heapBytes
        + directBytes
        + blockCacheBytes
        + memtableBytes
        + valuesInFlightBytes
        + jvmOverheadBytes;
  }

  /** The components in MiB, in order, for the report. */
  public Map<String, Long> componentsMib() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("heap (-Xmx)", heapBytes / MIB);
    m.put("direct memory (Netty; includes the body budget)", directBytes / MIB);
    m.put("RocksDB block cache", blockCacheBytes / MIB);
    m.put("RocksDB memtables (4 CFs x 2 x 64 MiB)", memtableBytes / MIB);
    m.put("large values in flight (storage threads x 25 MiB)", valuesInFlightBytes / MIB);
    m.put("JVM native overhead (allowance)", jvmOverheadBytes / MIB);
    return m;
  }

  /** Parses "1g", "512m", "1024k" or bytes, as java's -Xmx does. */
  public static long parseJavaSize(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    char last = t.charAt(t.length() - 1);
    switch (last) {
      case 'k' -> mult = 1024;
      case 'm' -> mult = MIB;
      case 'g' -> mult = 1024 * MIB;
      case 't' -> mult = 1024 * 1024 * MIB;
      default -> {}
    }
    String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
    return Long.parseLong(digits) * mult;
  }
}
