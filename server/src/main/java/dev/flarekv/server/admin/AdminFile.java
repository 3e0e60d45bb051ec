package dev.flarekv.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code <data-dir>/flarekv-admin.json}: how a local tool reaches the running server's admin
 * listener, written by the server on start (mode 0600, so only its user can read the secret) and
 * removed on a clean stop. After a crash the file stays behind; a tool finds it stale because the
 * address no longer answers or answers without knowing the secret.
 *
 * @param host the loopback address of the admin listener
 * @param port its port
 * @param secret the bearer token the admin listener accepts
 * @param pid the server's process id (informational)
 */
public record AdminFile(String host, int port, String secret, long pid) {
  /** The file name inside the data dir. */
  public static final String NAME = "flarekv-admin.json";

  public AdminFile {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(secret, "secret");
  }

  /** A new random 256-bit secret, URL-safe base64. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code http://host:port}. */
  public String origin() {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The file's path in a data dir. */
  public static Path in(Path dataDir) {
    return dataDir.resolve(NAME);
  }

  /** Writes the file atomically with mode 0600 (where the file system has POSIX modes). */
  public void write(Path dataDir) throws IOException {
    ObjectNode json = KvJson.mapper().createObjectNode();
    json.put("host", host).put("port", port).put("secret", secret).put("pid", pid);
    Path target = in(dataDir);
    Path tmp = dataDir.resolve(NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("cannot create " + tmp, e);
    }
    Files.write(tmp, KvJson.mapper().writeValueAsBytes(json));
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The file of a data dir, or empty when there is none or it cannot be parsed. */
  public static Optional<AdminFile> read(Path dataDir) throws IOException {
    Path file = in(dataDir);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode json;
    try {
      json = KvJson.parse(Files.readAllBytes(file));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (!json.path("host").isTextual()
        || !json.path("port").canConvertToInt()
        || !json.path("secret").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(
        new AdminFile(
            json.path("host").textValue(),
            json.path("port").intValue(),
            json.path("secret").textValue(),
            json.path("pid").asLong(-1)));
  }

  /** Removes the file if it still is this one (a newer server may have replaced it). */
  public void deleteIfOurs(Path dataDir) {
    try {
      Optional<AdminFile> current = read(dataDir);
      if (current.isPresent() && current.get().secret().equals(secret)) {
        Files.deleteIfExists(in(dataDir));
      }
    } catch (IOException e) {
      // best effort: a stale file is detected by whoever reads it
    }
  }

  @Override
  public String toString() {
    return "AdminFile[" + origin() + ", pid=" + pid + ", secret=<hidden>]";
  }
}
