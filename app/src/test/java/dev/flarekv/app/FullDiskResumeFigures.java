package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TmpfsMount;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures quoted in docs/reliability.md ("Full disk during writes"): how much free space a full
 * store needs before a 1 MiB write succeeds again, and how long after the space is freed. Opt-in,
 * it takes minutes on an unpatched store: {@code -Dflarekv.fulldisk.figures=true}.
 *
 * <p>A 160 MiB tmpfs holds 24 ballast files of 4 MiB beside the data dir. The store is filled with
 * incompressible 1 MiB values until a write is refused; then ballast files are deleted one at a
 * time and, after each, a 1 MiB write is retried for up to 7 s (RocksDB's own recovery polls every
 * 5 s).
 */
class FullDiskResumeFigures {
  private static final int MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void freeSpaceAndTimeUntilWritesResume() throws Exception {
    assumeTrue(Boolean.getBoolean("flarekv.fulldisk.figures"), "opt-in figures run");
    Path disk = dir.resolve("disk");
    TmpfsMount mount = TmpfsMount.mount(disk, 160);
    assumeTrue(mount != null, "cannot mount a tmpfs");
    try {
      int ballasts = 24;
      for (int i = 0; i < ballasts; i++) {
        Files.write(disk.resolve("ballast-" + i), FullDiskTest.random(4 * MIB, 1000 + i));
      }
      try (TestServer server = TestServer.start(disk.resolve("data"))) {
        String base = TestServer.ns(server.createNamespace("figures"));
        int written = 0;
        while (server
                .put(base + "/values/fill-" + written, FullDiskTest.random(MIB, written))
                .status()
            == 200) {
          written++;
        }
        System.out.printf(
            "figures: full after %d MiB, %.1f MiB free%n", written, FullDiskTest.freeMiB(disk));
        for (int i = 0; i < ballasts; i++) {
          Files.delete(disk.resolve("ballast-" + i));
          double free = FullDiskTest.freeMiB(disk);
          long freed = System.nanoTime();
          long deadline = freed + 7_000_000_000L;
          while (System.nanoTime() < deadline) {
            if (server.put(base + "/values/after", FullDiskTest.random(MIB, 77)).status() == 200) {
              System.out.printf(
                  "figures: a 1 MiB write succeeded %d ms after freeing, with %.1f MiB free%n",
                  (System.nanoTime() - freed) / 1_000_000, free);
              return;
            }
            Thread.sleep(50);
          }
          System.out.printf("figures: still refused with %.1f MiB free%n", free);
        }
        assertThat(false).as("writes never resumed").isTrue();
      }
    } finally {
      mount.close();
    }
  }
}
