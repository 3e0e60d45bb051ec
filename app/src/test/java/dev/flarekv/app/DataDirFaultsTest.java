package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TmpfsMount;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk faults at start, end to end through {@code flarekv serve} in a child JVM: a read-only,
 * immutable, permission-less, locked or corrupt data dir makes it exit non-zero with one line
 * saying what and where, and it never creates a fresh empty store in place of the old one. Once the
 * fault is gone the old data is still there.
 *
 * <p>The tests run as root, which ignores permission bits: read-only comes from a read-only bind
 * mount, immutability from {@code chattr +i}, and missing permissions from running the child
 * without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH ({@code setpriv --bounding-set}).
 */
class DataDirFaultsTest {
  @TempDir Path dir;
  Path data;
  String namespaceId;

  /** A store with one namespace and one key, closed cleanly (so it has SST files). */
  @BeforeEach
  void seed() {
    data = dir.resolve("data");
    try (TestServer server = TestServer.start(data)) {
      namespaceId = server.createNamespace("seed");
      assertThat(server.put(TestServer.ns(namespaceId) + "/values/k", "v").status()).isEqualTo(200);
    }
  }

  /** The child's exit code and stderr. */
  record Failure(int code, String stderr) {
    /** The one line flarekv printed about the failure. */
    String line() {
      List<String> lines = stderr.lines().filter(l -> l.startsWith("flarekv:")).toList();
      assertThat(lines).as(stderr).hasSize(1);
      System.out.println("exit " + code + ": " + lines.get(0));
      return lines.get(0);
    }
  }

  private Failure serve(List<String> prefix, Path dataDir) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.flarekv.app.Flarekv");
    cmd.addAll(
        List.of("serve", "--port", "0", "--binding-port", "0", "--data-dir", dataDir.toString()));
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("flarekv serve did not exit on a faulty data dir");
    }
    Failure f = new Failure(p.exitValue(), new String(err, StandardCharsets.UTF_8));
    assertThat(f.code()).as("exit code; stderr: " + f.stderr()).isNotZero();
    assertThat(f.stderr()).doesNotContain("\tat ");
    return f;
  }

  private Failure serve(Path dataDir) throws Exception {
    return serve(List.of(), dataDir);
  }

  private List<String> listing(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      // RocksDB's own info log (LOG, rotated to LOG.old.*) may be written by a failed open
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> !name.startsWith("LOG"))
          .sorted()
          .toList();
    }
  }

  /** The seeded key is still there (run after the fault was removed). */
  private void assertSeedIntact() {
    try (TestServer server = TestServer.start(data)) {
      assertThat(server.get(TestServer.ns(namespaceId) + "/values/k").text()).isEqualTo("v");
    }
  }

  private static TmpfsMount.Result sh(String... cmd) throws InterruptedException {
    return TmpfsMount.run(cmd);
  }

  @Test
  void readOnlyMount_existingStore() throws Exception {
    assumeTrue(sh("mount", "--bind", data.toString(), data.toString()).code() == 0, "no mount");
    try {
      assertThat(sh("mount", "-o", "remount,bind,ro", data.toString()).code()).isZero();
      List<String> before = listing(data);
      Failure f = serve(data);
      assertThat(f.line())
          .contains(data.toString())
          .contains("not writable (Read-only file system)");
      assertThat(listing(data)).isEqualTo(before);
    } finally {
      sh("umount", data.toString());
    }
    assertSeedIntact();
  }

  @Test
  void readOnlyMount_emptyDirectory_createsNothing() throws Exception {
    Path empty = dir.resolve("ro-empty");
    TmpfsMount mount = TmpfsMount.mount(empty, 4, "ro");
    assumeTrue(mount != null, "cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
    try {
      Failure f = serve(empty);
      assertThat(f.line())
          .contains(empty.toString())
          .contains("not writable (Read-only file system)");
      assertThat(listing(empty)).isEmpty();
      // a data dir below a read-only mount cannot even be created
      Path nested = empty.resolve("sub");
      assertThat(serve(nested).line()).contains(nested.toString());
    } finally {
      mount.close();
    }
  }

  @Test
  void immutableDirectory_chattr() throws Exception {
    TmpfsMount.Result r = sh("chattr", "+i", data.toString());
    assumeTrue(r.code() == 0, () -> "chattr +i not possible here: " + r.output());
    try {
      List<String> before = listing(data);
      Failure f = serve(data);
      assertThat(f.line())
          .contains(data.toString())
          .contains("not writable (Operation not permitted)");
      assertThat(listing(data)).isEqualTo(before);
    } finally {
      sh("chattr", "-i", data.toString());
    }
    assertSeedIntact();
  }

  @Test
  void missingPermissions_childWithoutDacOverride() throws Exception {
    List<String> noDac = List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search");
    TmpfsMount.Result probe = sh("setpriv", "--bounding-set", "-dac_override", "true");
    assumeTrue(probe.code() == 0, () -> "setpriv cannot drop capabilities: " + probe.output());
    assertThat(sh("chmod", "000", data.toString()).code()).isZero();
    try {
      Failure f = serve(noDac, data);
      assertThat(f.line()).contains(data.toString()).contains("not writable (Permission denied)");
      // a data dir inside a directory we may not enter
      Path nested = data.resolve("inner");
      assertThat(serve(noDac, nested).line()).contains(nested.toString());
    } finally {
      sh("chmod", "755", data.toString());
    }
    assertThat(listing(data)).doesNotContain("inner");
    assertSeedIntact();
  }

  @Test
  void lockedByAnotherServer() throws Exception {
    try (TestServer running = TestServer.start(data)) {
      Failure f = serve(data);
      assertThat(f.line()).contains(data.toString()).contains("in use by another process");
      assertThat(running.get(TestServer.ns(namespaceId) + "/values/k").text()).isEqualTo("v");
    }
  }

  @Test
  void corrupt_currentMissing() throws Exception {
    Files.delete(data.resolve("CURRENT"));
    List<String> before = listing(data);
    Failure f = serve(data);
    assertThat(f.line()).contains(data.toString()).contains("CURRENT is missing");
    assertThat(listing(data)).isEqualTo(before);
  }

  @Test
  void corrupt_currentPointsNowhere() throws Exception {
    Files.writeString(data.resolve("CURRENT"), "MANIFEST-999999\n");
    List<String> before = listing(data);
    Failure f = serve(data);
    assertThat(f.line()).contains(data.toString()).contains("MANIFEST-999999");
    assertThat(listing(data)).isEqualTo(before);
  }

  @Test
  void corrupt_manifestGarbage() throws Exception {
    String manifest = Files.readString(data.resolve("CURRENT")).trim();
    Path file = data.resolve(manifest);
    byte[] garbage = new byte[(int) Files.size(file)];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 7 + 3);
    }
    Files.write(file, garbage);
    Failure f = serve(data);
    assertThat(f.line()).contains(data.toString()).containsIgnoringCase("corrupt");
    assertThat(Files.readAllBytes(file)).isEqualTo(garbage);
  }

  @Test
  void corrupt_truncatedSstFile() throws Exception {
    Path sst;
    try (Stream<Path> files = Files.list(data)) {
      sst = files.filter(f -> f.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(sst.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    List<String> before = listing(data);
    Failure f = serve(data);
    assertThat(f.line()).contains(data.toString()).containsIgnoringCase("corrupt");
    assertThat(listing(data)).isEqualTo(before);
  }
}
