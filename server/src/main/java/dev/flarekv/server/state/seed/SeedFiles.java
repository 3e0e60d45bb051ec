package dev.flarekv.server.state.seed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Seed files on disk ({@code flarekv serve --seed}): a file, or a directory meaning every {@code
 * *.json} directly in it, in name order, except the files another seed of that directory names as
 * its {@code keys_file}. A {@code keys_file} is read relative to the seed file's directory.
 */
public final class SeedFiles {
  private SeedFiles() {}

  /**
   * Reads and checks every seed of these paths.
   *
   * @param now the server clock's time in milliseconds, for checking expirations
   * @throws KvException 400 naming the file and what is wrong with it
   */
  public static List<SeedNamespace> load(List<Path> paths, long now) {
    List<SeedNamespace> out = new ArrayList<>();
    for (Path path : paths) {
      for (Map.Entry<Path, JsonNode> seed : seedsOf(path).entrySet()) {
        Path file = seed.getKey();
        out.addAll(SeedParser.parse(file.toString(), seed.getValue(), keysNextTo(file), now));
      }
    }
    return out;
  }

  /** The seed files a path names, with their JSON, in order. */
  private static Map<Path, JsonNode> seedsOf(Path path) {
    if (!Files.exists(path)) {
      throw SeedParser.bad(path + ": no such file or directory");
    }
    Map<Path, JsonNode> seeds = new LinkedHashMap<>();
    if (!Files.isDirectory(path)) {
      seeds.put(path, readJson(path));
      return seeds;
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(path)) {
      files =
          listing
              .filter(f -> f.getFileName().toString().endsWith(".json"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw SeedParser.bad(path + ": cannot list the directory: " + e.getMessage());
    }
    for (Path file : files) {
      seeds.put(file, readJson(file));
    }
    Set<Path> keysFiles = referencedKeysFiles(seeds);
    seeds.keySet().removeIf(file -> keysFiles.contains(file.toAbsolutePath().normalize()));
    return seeds;
  }

  private static Set<Path> referencedKeysFiles(Map<Path, JsonNode> seeds) {
    Set<Path> referenced = new HashSet<>();
    seeds.forEach(
        (file, doc) ->
            doc.path("namespaces")
                .forEach(
                    ns -> {
                      JsonNode keysFile = ns.path("keys_file");
                      if (keysFile.isTextual()) {
                        referenced.add(
                            resolve(file, keysFile.asText()).toAbsolutePath().normalize());
                      }
                    }));
    return referenced;
  }

  private static SeedParser.KeysFiles keysNextTo(Path seedFile) {
    return keysFile -> {
      Path file = resolve(seedFile, keysFile);
      if (!Files.isRegularFile(file)) {
        throw SeedParser.bad(
            seedFile + ": keys_file " + keysFile + ": no such file (looked for " + file + ")");
      }
      return new SeedParser.KeysFile(file.toString(), readJson(file));
    };
  }

  /** A keys file's path: relative to the seed file's directory (absolute paths stay). */
  private static Path resolve(Path seedFile, String keysFile) {
    Path parent = seedFile.getParent();
    return parent == null ? Path.of(keysFile) : parent.resolve(keysFile);
  }

  private static JsonNode readJson(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw SeedParser.bad(file + ": cannot read: " + e.getMessage());
    }
    try {
      return KvJson.parse(bytes);
    } catch (KvException e) {
      throw SeedParser.bad(file + ": not valid JSON: " + e.getMessage());
    }
  }
}
