package dev.flarekv.server.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import dev.flarekv.server.state.seed.SeedNamespace;
import dev.flarekv.server.state.seed.SeedParser;
import dev.flarekv.server.state.seed.Seeder;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.clock.KvClock;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /flarekv/v1/seed} applies seed files the caller read (the CLI sends each file's JSON
 * and the {@code keys_file}s it names); {@code POST /flarekv/v1/reset} deletes every namespace of
 * every account and applies the seeds the server started with again (docs/state.md).
 */
public final class StateControl implements Control {
  private final KvStore store;
  private final KvClock clock;
  private final Seeder seeder;
  private final List<SeedNamespace> startSeeds;

  /**
   * @param startSeeds the {@code --seed} files as read and checked at start: a reset applies these,
   *     not the files as they are on disk by then
   */
  public StateControl(
      KvStore store, KvClock clock, String defaultAccount, List<SeedNamespace> startSeeds) {
    this.store = store;
    this.clock = clock;
    this.seeder = new Seeder(store, defaultAccount);
    this.startSeeds = List.copyOf(startSeeds);
  }

  @Override
  public List<ControlRoute> routes() {
    return List.of(
        new ControlRoute(HttpMethod.POST, "seed", this::seed, BodyLimit.BULK_WRITE),
        new ControlRoute(HttpMethod.POST, "reset", this::reset));
  }

  private Object seed(ControlRequest request) {
    JsonNode files = request.jsonBody().path("files");
    if (!files.isArray() || files.isEmpty()) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Send {\"files\": [{\"name\", \"content\", \"keys_files\"?}]}: the seed files to apply");
    }
    long now = clock.millis();
    List<SeedNamespace> seeds = new ArrayList<>();
    for (JsonNode file : files) {
      String name = file.path("name").asText("");
      if (name.isEmpty()) {
        throw ErrorCode.INVALID_REQUEST.exception("Each seed file needs a name");
      }
      JsonNode keysFiles = file.path("keys_files");
      seeds.addAll(
          SeedParser.parse(
              name,
              file.get("content"),
              keysFile -> {
                JsonNode keys = keysFiles.get(keysFile);
                if (keys == null) {
                  throw ErrorCode.INVALID_REQUEST.exception(
                      "Bad seed: " + name + ": keys_file " + keysFile + " was not sent");
                }
                return new SeedParser.KeysFile(sibling(name, keysFile), keys);
              },
              now));
    }
    return seeder.apply(seeds, now, request.principal()::mayAccess);
  }

  private Object reset(ControlRequest request) {
    request.requireAllAccounts();
    long now = clock.millis();
    Seeder.check(startSeeds, now); // an expiration now past refuses before anything is lost
    List<Namespace> all;
    try {
      all = store.allNamespaces();
    } catch (UnsupportedOperationException e) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Reset is not available on this server's store (Cassandra): delete the namespaces"
              + " with `flarekv kv namespace delete` instead");
    }
    int deleted = 0;
    for (Namespace ns : all) {
      try {
        store.deleteNamespace(ns.ref());
        deleted++;
      } catch (KvException e) {
        if (e.errorCode() != ErrorCode.NAMESPACE_NOT_FOUND) { // else deleted meanwhile
          throw e;
        }
      }
    }
    Seeder.Applied applied = seeder.apply(startSeeds, now, account -> true);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("deleted_namespaces", deleted);
    result.put("namespaces", applied.namespaces());
    result.put("keys_written", applied.keysWritten());
    return result;
  }

  /** How errors name a keys file: relative to the seed file's directory. */
  private static String sibling(String seedFile, String keysFile) {
    int slash = seedFile.lastIndexOf('/');
    return slash < 0 || keysFile.startsWith("/")
        ? keysFile
        : seedFile.substring(0, slash + 1) + keysFile;
  }
}
