package dev.flarekv.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.admin.AdminDispatcher;
import dev.flarekv.server.admin.AdminFile;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.clock.KvClock;
import dev.flarekv.storage.rocks.RocksKvStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flarekv backup --data-dir D --to DIR}: a consistent copy of a data dir (a RocksDB
 * checkpoint) that opens as a data dir of its own.
 *
 * <p>A running server holds RocksDB's lock on D, so no other process can open it. The server
 * therefore publishes a loopback admin listener in {@code D/flarekv-admin.json} (mode 0600, with a
 * random secret); this command asks it for the checkpoint. When no server answers there (none
 * running, or the file is left over from a crash), the command opens D itself and checkpoints it.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a data dir consistently (RocksDB checkpoint), while the server runs or not.",
      "The copy opens as a data dir: flarekv serve --data-dir <to>."
    })
public final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = ".flarekv/data",
      description = "The data dir to back up (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "<dir>",
      description = "Where to write the copy; must not exist. Same file system = hard links.")
  Path to;

  @Override
  public Integer call() throws Exception {
    Path source = dataDir.toAbsolutePath().normalize();
    Path target = to.toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("backup target " + target + " already exists");
    }
    if (!Files.isDirectory(source)) {
      throw new IllegalArgumentException("no data dir at " + source);
    }
    PrintWriter out = spec.commandLine().getOut();
    Optional<AdminFile> admin = AdminFile.read(source);
    if (admin.isPresent() && online(admin.get(), target)) {
      out.println("backup of " + source + " written to " + target + " (online, by the server)");
      out.flush();
      return 0;
    }
    offline(source, target);
    out.println("backup of " + source + " written to " + target + " (no server running)");
    out.flush();
    return 0;
  }

  /**
   * Asks the server for the checkpoint. False when nothing answers at the address or the answer
   * does not know the secret (a stale file); throws when the server answered with a failure.
   */
  static boolean online(AdminFile admin, Path target) throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String body = KvJson.mapper().createObjectNode().put("target", target.toString()).toString();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(admin.origin() + AdminDispatcher.CHECKPOINT))
            .timeout(Duration.ofHours(1))
            .header("Authorization", "Bearer " + admin.secret())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return false; // nobody listens there any more
    }
    if (response.statusCode() == 401 || response.statusCode() == 404) {
      return false; // someone else's port now
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "the server could not write the backup: " + message(response));
    }
    return true;
  }

  private static String message(HttpResponse<byte[]> response) {
    try {
      JsonNode error = KvJson.parse(response.body()).path("errors").path(0).path("message");
      if (error.isTextual()) {
        return error.textValue();
      }
    } catch (RuntimeException e) {
      // not an envelope
    }
    return "HTTP " + response.statusCode();
  }

  /** Opens the (unlocked) data dir and checkpoints it. Never creates a store where none is. */
  static void offline(Path source, Path target) {
    if (!Files.exists(source.resolve("CURRENT"))) {
      throw new IllegalArgumentException("no flarekv data in " + source + " (CURRENT is missing)");
    }
    KvStore store;
    try {
      store = RocksKvStores.open(source, StoreConfig.defaults(), KvClock.system());
    } catch (StoreException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("LOCK") || m.toLowerCase(java.util.Locale.ROOT).contains("lock")) {
        throw new IllegalStateException(
            source
                + " is in use by a running server whose admin listener ("
                + AdminFile.NAME
                + ") did not answer; cannot back it up",
            e);
      }
      throw e;
    }
    try (store) {
      store.checkpoint(target);
    }
  }
}
