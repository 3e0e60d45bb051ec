package dev.flarekv.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's own part of private data, in this JVM's umask (usually 022, so RocksDB's files in the
 * live dir are 0644 here; the {@code flarekv} command's umask makes them 0600, see app's
 * PrivateDataTest): the directories the store creates are 0700, checkpoints are 0700/0600, and an
 * existing directory open to others is reported, not changed.
 */
class PrivateFilesTest {
  @TempDir Path dir;

  @BeforeAll
  static void posixOnly() {
    org.junit.jupiter.api.Assumptions.assumeTrue(PrivateFiles.posix(), "POSIX file modes");
  }

  @Test
  void newDataDirAndMissingParents_are0700() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = dir.resolve("a/b/data");
    try (KvStore store = open(data)) {
      store.createNamespace("acct", "t");
    }
    assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
    assertThat(mode(data)).isEqualTo("rwx------");
    assertThat(mode(dir)).as("an existing parent is left alone").isEqualTo("rwxr-xr-x");
  }

  @Test
  void checkpoint_isOwnerOnly_evenWhereTheStoreFilesAreNot() throws Exception {
    Path data = dir.resolve("data");
    Path copy = dir.resolve("backups/nightly/c1");
    try (KvStore store = open(data)) {
      NamespaceRef ns = store.createNamespace("acct", "t").ref();
      byte[] big = new byte[(int) RocksHandles.MIN_BLOB_BYTES * 2]; // a blob file
      Arrays.fill(big, (byte) 'x');
      store.put(ns, new KvEntry("big", big, null, KvEntry.NO_EXPIRATION));
      store.put(
          ns, new KvEntry("k", "v".getBytes(StandardCharsets.UTF_8), null, KvEntry.NO_EXPIRATION));
      store.checkpoint(copy);
    }
    try (Stream<Path> files = Files.list(copy)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .anyMatch(n -> n.endsWith(".sst"))
          .anyMatch(n -> n.endsWith(".blob"))
          .anyMatch(n -> n.startsWith("MANIFEST-"))
          .anyMatch(n -> n.startsWith("OPTIONS-"))
          .contains("CURRENT");
    }
    assertThat(looseModes(dir.resolve("backups"))).isEmpty();
  }

  @Test
  void existingDirOpenToOthers_isReportedWithTheFix_andKeepsItsModes() throws Exception {
    Path data = dir.resolve("shared");
    Files.createDirectory(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x---"));
    Path notes = Files.writeString(data.resolve("notes.txt"), "x");
    Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-r--r--"));

    PrivateFiles.Loose loose = PrivateFiles.looseModes(data);
    assertThat(loose).isNotNull();
    assertThat(loose.count()).isEqualTo(2);
    assertThat(loose.example()).isEqualTo(data);
    assertThat(loose.warning(data))
        .isEqualTo(
            "data dir "
                + data
                + " is open to other users: 2 entries in it grant group/other access (e.g. "
                + data
                + " is rwxr-x---); to fix: chmod -R go-rwx "
                + data);

    try (KvStore store = open(data)) {
      store.createNamespace("acct", "t");
    }
    assertThat(mode(data)).isEqualTo("rwxr-x---");
    assertThat(mode(notes)).isEqualTo("rw-r--r--");

    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-------"));
    try (Stream<Path> all = Files.list(data)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
      }
    }
    assertThat(PrivateFiles.looseModes(data)).as("fixed").isNull();
  }

  private static KvStore open(Path data) {
    return RocksKvStores.open(data, StoreConfig.defaults(), InstantSource.system());
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /** Every path under {@code root} (itself included) that is not 0700 (dirs) or 0600 (files). */
  static TreeMap<String, String> looseModes(Path root) throws IOException {
    TreeMap<String, String> loose = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
        if (!mode(p).equals(expected)) {
          loose.put(root.relativize(p).toString(), mode(p));
        }
      }
    }
    return loose;
  }
}
