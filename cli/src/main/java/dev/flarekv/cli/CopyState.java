package dev.flarekv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where an interrupted {@code kv pull} or {@code kv push} stopped: the file {@code
 * .flarekv/<pull|push>-<source id>.json} in the working directory, rewritten after every page that
 * was written to the target and removed once the copy is complete. {@code --resume} reads it and
 * lists on from {@code cursor} into the same {@code target} (docs/state.md "Pull and push").
 *
 * @param verb {@code pull} or {@code push}
 * @param source the namespace copied from
 * @param target the namespace copied into
 * @param title the target's title when the copy created it ({@code --title}), else null
 * @param cursor the listing cursor after the last page written, or null before the first
 * @param copied keys written so far
 * @param pages pages written so far
 */
record CopyState(
    String verb,
    String source,
    String target,
    String title,
    String cursor,
    long copied,
    long pages) {
  static final String DIR = ".flarekv";

  /** The state file of copying {@code source} with {@code verb}, under {@code cwd}. */
  static Path file(Path cwd, String verb, String source) {
    return cwd.resolve(DIR).resolve(verb + "-" + source + ".json");
  }

  /** The state after one more page: its cursor, {@code keys} more copied. */
  CopyState next(String nextCursor, long keys) {
    return new CopyState(verb, source, target, title, nextCursor, copied + keys, pages + 1);
  }

  /** The saved state, or empty when there is no such file. */
  static Optional<CopyState> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = KvJson.parse(Files.readAllBytes(file));
    } catch (KvException e) {
      throw new UserError(
          "The resume file " + file + " is not valid JSON; delete it to start over");
    }
    if (!node.path("target").isTextual() || !node.path("source").isTextual()) {
      throw new UserError(
          "The resume file " + file + " has no source or target; delete it to start over");
    }
    return Optional.of(
        new CopyState(
            node.path("verb").asText(),
            node.path("source").textValue(),
            node.path("target").textValue(),
            node.path("title").isTextual() ? node.path("title").textValue() : null,
            node.path("cursor").isTextual() ? node.path("cursor").textValue() : null,
            node.path("copied").asLong(0),
            node.path("pages").asLong(0)));
  }

  /** Saves the state: written beside the file, then moved over it, so it is never half written. */
  void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    ObjectNode node =
        KvJson.mapper()
            .createObjectNode()
            .put("verb", verb)
            .put("source", source)
            .put("target", target)
            .put("title", title)
            .put("cursor", cursor)
            .put("copied", copied)
            .put("pages", pages);
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (OutputStream out = ExportCommand.createPrivate(partial)) {
      out.write(KvJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
      out.write('\n');
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
