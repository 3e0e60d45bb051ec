package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Copies one namespace to another over two Cloudflare API v4 endpoints, a listing page at a time:
 * list with the cursor, read the page's values with bulk get ({@code withMetadata}, 100 keys a
 * request), write them with bulk put, then save the cursor in the {@link CopyState} file.
 *
 * <p>Bulk get reads values as text, turning each invalid UTF-8 sequence into U+FFFD, so a value in
 * which U+FFFD appears is read again on its own (raw bytes) and sent as base64 when it is not UTF-8
 * after all. A bulk get refused for its size (413) is done key by key. Keys whose expiration is
 * less than {@value ExportCommand#MIN_REMAINING_SECONDS} s ahead of the target's clock are skipped
 * and counted: the target would refuse them.
 */
final class NamespaceCopy {
  /** Keys per bulk get, the API's maximum (docs/kv-semantics.md B1). */
  static final int BULK_GET_KEYS = 100;

  /** A bulk put is sent once its items reach about this many bytes (the API allows 100 MB). */
  static final long BULK_PUT_BYTES = 32L << 20;

  private static final char REPLACEMENT = '\uFFFD';

  /** What a copy did. */
  static final class Counts {
    long copied;
    long base64;
    long expiringSkipped;
    long vanished;
    long pages;
  }

  /** Told after each page, e.g. to draw progress. */
  @FunctionalInterface
  interface Progress {
    void page(CopyState state);
  }

  private final KvClient source;
  private final KvClient target;
  private final int pageSize;
  private final LongSupplier targetNowSeconds;

  /**
   * @param targetNowSeconds the target's time in epoch seconds, asked once per page
   */
  NamespaceCopy(KvClient source, KvClient target, int pageSize, LongSupplier targetNowSeconds) {
    this.source = source;
    this.target = target;
    this.pageSize = pageSize;
    this.targetNowSeconds = targetNowSeconds;
  }

  /**
   * Copies from {@code state}'s cursor to the end, saving the state to {@code stateFile} after
   * every page written.
   *
   * @param first the page at {@code state}'s cursor, already listed
   */
  Counts run(CopyState state, KeyListPage first, java.nio.file.Path stateFile, Progress progress)
      throws IOException {
    Counts counts = new Counts();
    KeyListPage page = first;
    CopyState current = state;
    while (true) {
      long written = copyPage(current.source(), current.target(), page, counts);
      counts.pages++;
      current = current.next(page.cursor(), written);
      if (page.hasMore()) {
        current.write(stateFile);
      }
      progress.page(current);
      if (!page.hasMore()) {
        return counts;
      }
      page = source.listKeys(current.source(), null, pageSize, page.cursor());
    }
  }

  private long copyPage(String from, String to, KeyListPage page, Counts counts) {
    long minExpiration = targetNowSeconds.getAsLong() + ExportCommand.MIN_REMAINING_SECONDS;
    List<KeyInfo> keep = new ArrayList<>();
    for (KeyInfo key : page.keys()) {
      if (key.expiration() != KvEntry.NO_EXPIRATION && key.expiration() < minExpiration) {
        counts.expiringSkipped++;
      } else {
        keep.add(key);
      }
    }
    ArrayNode batch = KvJson.mapper().createArrayNode();
    long batchBytes = 0;
    long written = 0;
    for (int i = 0; i < keep.size(); i += BULK_GET_KEYS) {
      for (ObjectNode item :
          read(from, keep.subList(i, Math.min(keep.size(), i + BULK_GET_KEYS)))) {
        if (item == null) {
          counts.vanished++;
          continue;
        }
        if (item.has("base64")) {
          counts.base64++;
        }
        batch.add(item);
        batchBytes +=
            item.path("value").asText().length() + item.path("key").asText().length() + 64;
        if (batchBytes >= BULK_PUT_BYTES) {
          written += put(to, batch);
          batch = KvJson.mapper().createArrayNode();
          batchBytes = 0;
        }
      }
    }
    if (!batch.isEmpty()) {
      written += put(to, batch);
    }
    counts.copied += written;
    return written;
  }

  /** The bulk-put items of {@code keys}, in order; null for a key gone since it was listed. */
  private List<ObjectNode> read(String ns, List<KeyInfo> keys) {
    List<String> names = keys.stream().map(KeyInfo::name).toList();
    JsonNode values;
    try {
      values = source.bulkGet(ns, names, "text", true).path("values");
    } catch (KvException e) {
      if (e.errorCode().httpStatus() != 413) {
        throw e;
      }
      values = null; // too large together: one by one
    }
    List<ObjectNode> out = new ArrayList<>(keys.size());
    for (KeyInfo key : keys) {
      JsonNode entry = values == null ? null : values.get(key.name());
      if (values != null && (entry == null || entry.isNull())) {
        out.add(null);
        continue;
      }
      String metadata = key.metadata();
      if (entry != null) {
        JsonNode meta = entry.path("metadata");
        metadata = meta.isMissingNode() || meta.isNull() ? null : KvJson.compact(meta);
      }
      KeyInfo info = new KeyInfo(key.name(), key.expiration(), metadata);
      String text = entry == null ? null : entry.path("value").asText();
      if (text != null && text.indexOf(REPLACEMENT) < 0) {
        out.add(ExportCommand.item(info, text.getBytes(StandardCharsets.UTF_8)));
        continue;
      }
      // binary (or really holding U+FFFD), or no bulk answer: the raw bytes
      Optional<byte[]> raw = source.getValue(ns, key.name());
      out.add(raw.map(bytes -> ExportCommand.item(info, bytes)).orElse(null));
    }
    return out;
  }

  private long put(String ns, ArrayNode batch) {
    JsonNode result = target.bulkPut(ns, batch);
    JsonNode failed = result.path("unsuccessful_keys");
    if (failed.isArray() && !failed.isEmpty()) {
      throw ErrorCode.INTERNAL.exception(
          "the target did not write " + failed.size() + " key(s), e.g. " + failed.get(0));
    }
    return batch.size();
  }
}
