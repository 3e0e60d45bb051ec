package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.client.ControlClient;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.codec.StrictUtf8;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flarekv export}: one namespace as the JSON file {@code wrangler kv bulk put} (and {@code
 * flarekv import}) reads: an array of {@code {key, value, expiration?, metadata?, base64?}}.
 *
 * <p>Streams: keys are listed a page at a time, values fetched with at most {@code --concurrency}
 * requests in flight (and so in memory), and each item written as soon as its value is there, in
 * key order. Values that are valid UTF-8 are written as text, others as base64 with {@code
 * "base64": true}. Keys that expire within {@value #MIN_REMAINING_SECONDS} s are left out, since
 * Cloudflare and flarekv reject such an expiration on import; how many is reported.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write every key of a namespace as a `wrangler kv bulk put` JSON file.",
      "Values: text when valid UTF-8, else base64 (\"base64\": true); metadata and absolute"
          + " expiration are kept; keys expiring within 60 s of the server's time (emulated"
          + " time included) are skipped."
    })
final class ExportCommand extends LeafCommand {
  /** An expiration must be at least this far ahead to be accepted by a write. */
  static final long MIN_REMAINING_SECONDS = 60;

  @Mixin NamespaceOptions namespace;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "<file>",
      description = "Write to this file (replaced only once complete) instead of stdout.")
  Path output;

  @Option(
      names = "--prefix",
      paramLabel = "<prefix>",
      description = "Only keys starting with this.")
  String prefix;

  @Option(
      names = "--concurrency",
      defaultValue = "8",
      paramLabel = "<n>",
      description = "Values fetched in parallel (default: ${DEFAULT-VALUE}).")
  int concurrency;

  /**
   * The server's time in epoch seconds ({@code GET /flarekv/v1/clock}): whether a key expires
   * within {@value #MIN_REMAINING_SECONDS} s is judged by the clock the server judges expirations
   * by, which emulated time may have moved away from this machine's (docs/modes.md).
   *
   * @throws UserError when the server does not answer it
   */
  static long serverNowSeconds(ControlClient controls) {
    JsonNode state;
    try {
      state = controls.get(ClockCommand.PATH);
    } catch (KvException e) {
      throw new UserError(
          "Cannot read the server's clock (GET /flarekv/v1/clock), which decides which keys"
              + " expire too soon to copy: "
              + e.getMessage());
    }
    JsonNode now = state.path("now");
    if (!now.isIntegralNumber()) {
      throw new UserError("The server's clock (GET /flarekv/v1/clock) has no \"now\": " + state);
    }
    return now.longValue();
  }

  /** What one export did. */
  record Summary(long exported, long base64, long expiringSkipped, long vanished) {}

  @Override
  void run() throws Exception {
    if (concurrency < 1 || concurrency > 64) {
      throw new UserError("--concurrency must be 1..64");
    }
    NamespaceOptions.Target target = target(namespace, true);
    KvClient client = client();
    // the first page is fetched before anything is written, so a bad namespace writes nothing
    KeyListPage first = client.listKeys(target.id(), prefix, 1000, null);
    Summary summary;
    if (output == null) {
      OutputStream stdout =
          new FilterOutputStream(io.stdout()) {
            @Override
            public void close() throws IOException {
              flush(); // never close the process's stdout
            }
          };
      summary = export(client, target.id(), first, stdout);
    } else {
      Path file = io.cwd().resolve(output);
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      try {
        summary = export(client, target.id(), first, createPrivate(partial));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
    err()
        .println(
            "Exported "
                + summary.exported()
                + " key(s) from "
                + target.displayName()
                + (output == null ? "" : " to " + output)
                + " ("
                + summary.base64()
                + " as base64; skipped "
                + summary.expiringSkipped()
                + " expiring within "
                + MIN_REMAINING_SECONDS
                + " s"
                + (summary.vanished() > 0 ? ", " + summary.vanished() + " deleted meanwhile" : "")
                + ")");
  }

  /**
   * A new file with mode 0600 where the file system has POSIX modes: an export holds the data, so
   * it is as private as the data dir (see docs/backup.md). A leftover partial file is replaced;
   * CREATE_NEW never follows a symbolic link planted in its place.
   */
  static OutputStream createPrivate(Path file) throws IOException {
    Files.deleteIfExists(file);
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
      return Channels.newOutputStream(
          Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(ownerOnly)));
    }
    return Channels.newOutputStream(Files.newByteChannel(file, options));
  }

  private Summary export(KvClient client, String ns, KeyListPage first, OutputStream sink)
      throws Exception {
    long[] counts = new long[4];
    ExecutorService pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "flarekv-export");
              t.setDaemon(true);
              return t;
            });
    try (OutputStream out = new BufferedOutputStream(sink, 1 << 16)) {
      out.write('[');
      boolean firstItem = true;
      ArrayDeque<Pending> window = new ArrayDeque<>();
      KeyListPage page = first;
      while (true) {
        long minExpiration = serverNowSeconds(controls()) + MIN_REMAINING_SECONDS;
        for (KeyInfo key : page.keys()) {
          if (key.expiration() != KvEntry.NO_EXPIRATION && key.expiration() < minExpiration) {
            counts[2]++;
            continue;
          }
          if (window.size() == concurrency) {
            firstItem = write(out, window.poll(), firstItem, counts);
          }
          window.add(new Pending(key, pool.submit(() -> client.getValue(ns, key.name()))));
        }
        if (!page.hasMore()) {
          break;
        }
        page = client.listKeys(ns, prefix, 1000, page.cursor());
      }
      while (!window.isEmpty()) {
        firstItem = write(out, window.poll(), firstItem, counts);
      }
      out.write(
          firstItem
              ? "]\n".getBytes(StandardCharsets.US_ASCII)
              : "\n]\n".getBytes(StandardCharsets.US_ASCII));
    } finally {
      pool.shutdownNow();
    }
    return new Summary(counts[0], counts[1], counts[2], counts[3]);
  }

  private record Pending(KeyInfo key, Future<Optional<byte[]>> value) {}

  private static boolean write(OutputStream out, Pending pending, boolean first, long[] counts)
      throws IOException, InterruptedException {
    Optional<byte[]> value;
    try {
      value = pending.value().get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(e.getCause());
    }
    if (value.isEmpty()) {
      counts[3]++; // deleted or expired since it was listed
      return first;
    }
    ObjectNode item = item(pending.key(), value.get());
    if (item.has("base64")) {
      counts[1]++;
    }
    out.write(
        first
            ? "\n".getBytes(StandardCharsets.US_ASCII)
            : ",\n".getBytes(StandardCharsets.US_ASCII));
    out.write(KvJson.mapper().writeValueAsBytes(item));
    counts[0]++;
    return false;
  }

  /** One bulk-put item. */
  static ObjectNode item(KeyInfo key, byte[] value) {
    ObjectNode node = KvJson.mapper().createObjectNode().put("key", key.name());
    String text = utf8(value);
    if (text != null) {
      node.put("value", text);
    } else {
      node.put("value", Base64.getEncoder().encodeToString(value));
      node.put("base64", true);
    }
    if (key.expiration() != KvEntry.NO_EXPIRATION) {
      node.put("expiration", key.expiration());
    }
    if (key.metadata() != null) {
      node.set("metadata", KvJson.parse(key.metadata().getBytes(StandardCharsets.UTF_8)));
    }
    return node;
  }

  /** The text of strictly valid UTF-8, else null. */
  static String utf8(byte[] bytes) {
    return StrictUtf8.decode(ByteBuffer.wrap(bytes)).orElse(null);
  }
}
