package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flarekv seed FILE...}: applies seed files to a running server ({@code POST
 * /flarekv/v1/seed}). The files, and the {@code keys_file}s they name, are read here and sent in
 * one request; the server checks every item before it writes any (docs/state.md).
 */
@Command(
    name = "seed",
    mixinStandardHelpOptions = true,
    description = {
      "Apply seed files to a running server: create the namespaces they name that are missing"
          + " and write their keys. A directory means every *.json seed file in it. Applying the"
          + " same files twice gives the same state (see docs/state.md)."
    })
final class SeedCommand extends LeafCommand {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Seed files or directories.")
  List<Path> paths;

  @Option(names = "--json", description = "Print the server's answer as JSON.")
  boolean json;

  @Override
  void run() {
    ObjectNode body = KvJson.mapper().createObjectNode();
    ArrayNode files = body.putArray("files");
    for (Path path : paths) {
      for (Map.Entry<Path, JsonNode> seed : seedsOf(path).entrySet()) {
        ObjectNode file = files.addObject();
        file.put("name", seed.getKey().toString());
        file.set("content", seed.getValue());
        ObjectNode keysFiles = file.putObject("keys_files");
        for (String keysFile : keysFilesOf(seed.getValue())) {
          keysFiles.set(keysFile, readJson(resolve(seed.getKey(), keysFile)));
        }
      }
    }
    if (files.isEmpty()) {
      throw new UserError("No seed file: " + paths + " holds no *.json file");
    }
    JsonNode result = controls().post("seed", body);
    PrintWriter out = out();
    if (json) {
      out.println(result.toString());
      return;
    }
    int created = 0;
    for (JsonNode ns : result.path("namespaces")) {
      created += ns.path("created").asBoolean() ? 1 : 0;
      out.println(
          ns.path("id").asText()
              + "  "
              + ns.path("title").asText()
              + "  "
              + ns.path("keys").asInt()
              + " keys"
              + (ns.path("created").asBoolean() ? "  (created)" : ""));
    }
    out.println(
        "Seeded "
            + result.path("namespaces").size()
            + " namespaces ("
            + created
            + " created), "
            + result.path("keys_written").asLong()
            + " keys written");
  }

  /** The seed files a path names, as the server reads {@code --seed} (docs/state.md). */
  private Map<Path, JsonNode> seedsOf(Path path) {
    if (!Files.exists(io.cwd().resolve(path))) {
      throw new UserError(path + ": no such file or directory");
    }
    Map<Path, JsonNode> seeds = new LinkedHashMap<>();
    if (!Files.isDirectory(io.cwd().resolve(path))) {
      seeds.put(path, readJson(path));
      return seeds;
    }
    try (Stream<Path> listing = Files.list(io.cwd().resolve(path))) {
      for (Path found :
          listing.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        if (Files.isRegularFile(found)) {
          Path file = path.resolve(found.getFileName());
          seeds.put(file, readJson(file));
        }
      }
    } catch (IOException e) {
      throw new UserError(path + ": cannot list the directory: " + e.getMessage());
    }
    Set<Path> keysFiles = new HashSet<>();
    seeds.forEach(
        (file, doc) -> {
          for (String keysFile : keysFilesOf(doc)) {
            keysFiles.add(io.cwd().resolve(resolve(file, keysFile)).normalize());
          }
        });
    seeds.keySet().removeIf(file -> keysFiles.contains(io.cwd().resolve(file).normalize()));
    return seeds;
  }

  private static List<String> keysFilesOf(JsonNode doc) {
    List<String> out = new ArrayList<>();
    for (JsonNode ns : doc.path("namespaces")) {
      JsonNode keysFile = ns.path("keys_file");
      if (keysFile.isTextual() && !out.contains(keysFile.asText())) {
        out.add(keysFile.asText());
      }
    }
    return out;
  }

  private static Path resolve(Path seedFile, String keysFile) {
    Path parent = seedFile.getParent();
    return parent == null ? Path.of(keysFile) : parent.resolve(keysFile);
  }

  private JsonNode readJson(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(io.cwd().resolve(file));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read: " + e.getMessage());
    }
    try {
      return KvJson.parse(bytes);
    } catch (KvException e) {
      throw new UserError(file + ": not valid JSON: " + e.getMessage());
    }
  }
}
