package dev.flarekv.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RssBoundTest {
  private static final long MIB = 1024L * 1024;

  @Test
  void oneGibHeapOnTwoCores() {
    RssBound b = RssBound.forServer(RssBound.parseJavaSize("1g"), 0, 2);
    assertThat(b.heapBytes()).isEqualTo(1024 * MIB);
    assertThat(b.directBytes()).isEqualTo(1024 * MIB); // MaxDirectMemorySize defaults to -Xmx
    assertThat(b.bodyBudgetBytes()).isEqualTo(512 * MIB); // half the heap
    assertThat(b.memtableBytes()).isEqualTo(512 * MIB);
    assertThat(b.valuesInFlightBytes()).isEqualTo(8 * 25 * MIB); // max(4, 4 x 2) threads
    // 1024 + 1024 + 64 + 512 + 200 + 256
    assertThat(b.totalBytes() / MIB).isEqualTo(3080);
    assertThat(b.componentsMib().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(3080);
  }

  @Test
  void smallHeapKeepsTheMinimumBodyBudgetAndExplicitDirectLimit() {
    RssBound b = RssBound.forServer(256 * MIB, 128 * MIB, 1);
    assertThat(b.bodyBudgetBytes()).isEqualTo(256 * MIB);
    assertThat(b.directBytes()).isEqualTo(128 * MIB);
    assertThat(b.valuesInFlightBytes()).isEqualTo(4 * 25 * MIB);
  }

  @Test
  void javaSizes() {
    assertThat(RssBound.parseJavaSize("512m")).isEqualTo(512 * MIB);
    assertThat(RssBound.parseJavaSize("2G")).isEqualTo(2048 * MIB);
    assertThat(RssBound.parseJavaSize("1024k")).isEqualTo(MIB);
    assertThat(RssBound.parseJavaSize("1048576")).isEqualTo(MIB);
  }
}
