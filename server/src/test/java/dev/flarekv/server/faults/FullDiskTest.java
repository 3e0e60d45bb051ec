package dev.flarekv.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.server.testkit.TmpfsMount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk during writes: the data dir is a 64 MiB tmpfs the test mounts itself. Writes get 503
 * envelopes while reads keep working, and writing resumes once the filesystem grows again.
 */
class FullDiskTest {
  private static final int MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void fullDisk_writesGet503_readsWork_writesResumeWhenSpaceReturns() throws Exception {
    Path data = dir.resolve("data");
    TmpfsMount mount = TmpfsMount.mount(data, 64);
    assumeTrue(mount != null, () -> skipReason(data));
    try {
      Map<String, byte[]> acknowledged = new LinkedHashMap<>();
      String id;
      try (TestServer server = TestServer.start(data)) {
        id = server.createNamespace("full");
        String base = TestServer.ns(id);
        assertThat(server.put(base + "/values/small", "before").status()).isEqualTo(200);
        acknowledged.put("small", "before".getBytes(StandardCharsets.UTF_8));

        Reply refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
          byte[] value = filled(MIB, i);
          Reply r = server.put(base + "/values/big-" + i, value);
          if (r.status() == 200) {
            acknowledged.put("big-" + i, value);
          } else {
            refused = r;
          }
        }
        assertThat(refused).as("a 64 MiB disk never filled up").isNotNull();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.json().path("success").asBoolean()).isFalse();
        assertThat(refused.errorMessage()).contains("out of space");

        // every kind of write is refused cleanly, as long as the disk stays full
        assertThat(server.put(base + "/values/more", filled(MIB, 999)).status()).isEqualTo(503);
        assertThat(
                server
                    .putJson(
                        base + "/bulk", "[{\"key\":\"b\",\"value\":\"" + "x".repeat(MIB) + "\"}]")
                    .status())
            .isEqualTo(503);

        // reads keep working meanwhile
        for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
          Reply r = server.get(base + "/values/" + e.getKey());
          assertThat(r.status()).as(e.getKey()).isEqualTo(200);
          assertThat(Arrays.equals(r.body(), e.getValue())).as(e.getKey()).isTrue();
        }
        assertThat(server.get(base + "/keys?limit=1000").result().size())
            .isEqualTo(acknowledged.size());

        // space returns: the filesystem grows. RocksDB has put itself in its read-only
        // "background error" state; its SstFileManager polls the free space every 5 s and resumes
        // writing on its own (RocksJava exposes no DB::Resume()).
        mount.remount("size=512m");
        Reply resumed = null;
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
          resumed = server.put(base + "/values/after", "resumed");
          if (resumed.status() == 200) {
            break;
          }
          Thread.sleep(100);
        }
        System.out.printf(
            "full disk: %d writes acknowledged before it filled, writing resumed %d ms after space"
                + " returned%n",
            acknowledged.size(), (System.nanoTime() - (deadline - 15_000_000_000L)) / 1_000_000);
        assertThat(resumed.status()).as("write after space returned: " + resumed).isEqualTo(200);
        acknowledged.put("after", "resumed".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) {
          byte[] value = filled(MIB, 500 + i);
          assertThat(server.put(base + "/values/again-" + i, value).status()).isEqualTo(200);
          acknowledged.put("again-" + i, value);
        }
        assertThat(server.delete(base + "/values/small").status()).isEqualTo(200);
        acknowledged.remove("small");
      }
      // and nothing acknowledged was lost across a restart
      try (TestServer server = TestServer.start(data)) {
        String base = TestServer.ns(id);
        for (Map.Entry<String, byte[]> e : acknowledged.entrySet()) {
          Reply r = server.get(base + "/values/" + e.getKey());
          assertThat(r.status()).as(e.getKey()).isEqualTo(200);
          assertThat(Arrays.equals(r.body(), e.getValue())).as(e.getKey()).isTrue();
        }
        assertThat(server.get(base + "/values/small").status()).isEqualTo(404);
      }
    } finally {
      mount.close();
    }
  }

  private static String skipReason(Path data) {
    try {
      return TmpfsMount.whyNot(data);
    } catch (Exception e) {
      return "cannot mount a tmpfs: " + e;
    }
  }

  static byte[] filled(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }
}
