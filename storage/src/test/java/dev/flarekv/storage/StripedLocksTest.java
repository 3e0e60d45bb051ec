package dev.flarekv.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Exclusive and shared stripes: waits are observed through thread states, never timed. */
class StripedLocksTest {
  private static final List<byte[]> KEYS = List.of(b("a"), b("b"), b("c"));

  @Test
  void sharedHolders_coexist_andKeepAWriterOut_untilTheyRelease() throws Exception {
    StripedLocks locks = new StripedLocks(16);
    int[] reader = locks.lockShared(KEYS);

    Thread otherReader = new Thread(() -> locks.unlockShared(locks.lockShared(KEYS)));
    otherReader.start();
    otherReader.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(otherReader.isAlive()).as("a second reader gets in beside the first").isFalse();

    AtomicBoolean written = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              int[] held = locks.lock(List.of(b("b")));
              written.set(true);
              locks.unlock(held);
            });
    writer.start();
    awaitBlocked(writer);
    assertThat(written).as("the writer waits for the reader").isFalse();

    locks.unlockShared(reader);
    writer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(written).as("and gets in once the reader is gone").isTrue();
  }

  @Test
  void anExclusiveHolder_keepsReadersOut() throws Exception {
    StripedLocks locks = new StripedLocks(16);
    int[] writer = locks.lock(KEYS);
    AtomicBoolean read = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              int[] held = locks.lockShared(List.of(b("c")));
              read.set(true);
              locks.unlockShared(held);
            });
    reader.start();
    awaitBlocked(reader);
    assertThat(read).isFalse();
    locks.unlock(writer);
    reader.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(read).isTrue();
  }

  @Test
  void stripes_areDistinctAndAscending() {
    StripedLocks locks = new StripedLocks(4);
    int[] held = locks.lock(List.of(b("x"), b("y"), b("x"), b("z"), b("w"), b("v")));
    assertThat(held).isSorted().doesNotHaveDuplicates();
    assertThat(held.length).isBetween(1, 4);
    locks.unlock(held);
    assertThatThrownBy(() -> new StripedLocks(12)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Waits (bounded) until the thread parks on a lock. */
  private static void awaitBlocked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
