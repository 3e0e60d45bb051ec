package dev.flarekv.storage.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.memory.InMemoryKvStore;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExpirySweeperTest {

  /** A store whose sweepExpired answers from a script; every other method is unsupported. */
  private static final class ScriptedStore {
    final Deque<Object> answers = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final CountDownLatch afterFailure = new CountDownLatch(2);

    KvStore proxy() {
      InvocationHandler handler =
          (proxy, method, args) -> {
            if (!method.getName().equals("sweepExpired")) {
              throw new UnsupportedOperationException(method.getName());
            }
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            Object answer;
            synchronized (answers) {
              answer = answers.isEmpty() ? 0 : answers.poll();
            }
            afterFailure.countDown();
            if (answer instanceof RuntimeException e) {
              throw e;
            }
            return answer;
          };
      return (KvStore)
          Proxy.newProxyInstance(
              KvStore.class.getClassLoader(), new Class<?>[] {KvStore.class}, handler);
    }
  }

  @Test
  void runOnce_repeatsWhileBudgetIsUsed() {
    ScriptedStore scripted = new ScriptedStore();
    scripted.answers.addAll(List.of(10, 10, 3, 10));
    try (ExpirySweeper sweeper = new ExpirySweeper(scripted.proxy(), Duration.ofHours(1), 10)) {
      assertThat(sweeper.runOnce()).isEqualTo(23);
      assertThat(scripted.calls).hasValue(3);
    }
  }

  @Test
  void runOnce_worksOffTheWholeBacklog_pausingAsLongAsEachRoundWasBusy() {
    List<long[]> calls = new ArrayList<>(); // {start, end} of each sweepExpired call
    AtomicInteger left = new AtomicInteger(20);
    KvStore store =
        sweepOnly(
            max -> {
              long start = System.nanoTime();
              sleepMillis(3);
              calls.add(new long[] {start, System.nanoTime()});
              return left.getAndDecrement() > 0 ? max : 1;
            });
    try (ExpirySweeper sweeper = new ExpirySweeper(store, Duration.ofHours(1), 5, 0.5)) {
      assertThat(sweeper.runOnce()).isEqualTo(20L * 5 + 1);
    }
    assertThat(calls).hasSize(21);
    for (int i = 1; i < calls.size(); i++) {
      long busy = calls.get(i - 1)[1] - calls.get(i - 1)[0];
      long pause = calls.get(i)[0] - calls.get(i - 1)[1];
      // busy share 0.5: the pause after a round is at least as long as the round itself
      assertThat(pause).as("pause before round %d", i).isGreaterThanOrEqualTo(busy * 9 / 10);
    }
  }

  @Test
  void close_endsATickThatIsWorkingOffABacklog() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch busy = new CountDownLatch(3);
    KvStore store =
        sweepOnly(
            max -> {
              calls.incrementAndGet();
              busy.countDown();
              sleepMillis(1);
              return max; // an endless backlog
            });
    ExpirySweeper sweeper = new ExpirySweeper(store, Duration.ofMillis(1), 10, 1.0);
    sweeper.start();
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    long closing = System.nanoTime();
    sweeper.close();
    assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
    int atClose = calls.get();
    Thread.sleep(20);
    assertThat(calls).hasValue(atClose);
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A store whose only working method is sweepExpired. */
  private static KvStore sweepOnly(java.util.function.IntUnaryOperator sweep) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (!method.getName().equals("sweepExpired")) {
            throw new UnsupportedOperationException(method.getName());
          }
          return sweep.applyAsInt((Integer) args[0]);
        };
    return (KvStore)
        Proxy.newProxyInstance(
            KvStore.class.getClassLoader(), new Class<?>[] {KvStore.class}, handler);
  }

  @Test
  void sweepSoon_runsATickAtOnce_besidesTheSchedule() throws Exception {
    CountDownLatch swept = new CountDownLatch(1);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    KvStore store =
        sweepOnly(
            max -> {
              threads.add(Thread.currentThread().getName());
              swept.countDown();
              return 0;
            });
    ExpirySweeper sweeper = new ExpirySweeper(store, Duration.ofHours(1), 10, 1, false);
    try {
      sweeper.sweepSoon(); // before start: nothing
      sweeper.start();
      sweeper.sweepSoon();
      assertThat(swept.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(threads).containsExactly(ExpirySweeper.THREAD_NAME);
    } finally {
      sweeper.close();
    }
    sweeper.sweepSoon(); // after close: nothing, no exception
  }

  @Test
  void start_runsOnDaemonThread_survivesFailures() throws Exception {
    ScriptedStore scripted = new ScriptedStore();
    scripted.answers.add(new StoreException("disk on fire", null));
    scripted.answers.add(1);
    ExpirySweeper sweeper = new ExpirySweeper(scripted.proxy(), Duration.ofMillis(10), 10);
    try (sweeper) {
      sweeper.start();
      assertThatThrownBy(sweeper::start).isInstanceOf(IllegalStateException.class);
      assertThat(scripted.afterFailure.await(10, TimeUnit.SECONDS)).isTrue();
    }
    int callsAtClose = scripted.calls.get();
    Thread.sleep(50);
    assertThat(scripted.calls).hasValue(callsAtClose);
    assertThat(scripted.threads).containsExactly(ExpirySweeper.THREAD_NAME);
  }

  /**
   * Starts a sweeper with these priority settings and returns the scheduling policy its thread had
   * during its first sweep (-2: unreadable), and the outcome the sweeper reported.
   */
  private static Object[] policyOfSweeperThread(boolean idlePriority) throws Exception {
    AtomicInteger policy = new AtomicInteger(-1);
    CountDownLatch swept = new CountDownLatch(1);
    KvStore store =
        sweepOnly(
            max -> {
              policy.set(currentPolicy().orElse(-2));
              swept.countDown();
              return 0;
            });
    try (ExpirySweeper sweeper =
        new ExpirySweeper(store, Duration.ofMillis(1), 10, 0.25, idlePriority)) {
      sweeper.start();
      assertThat(swept.await(10, TimeUnit.SECONDS)).isTrue();
      return new Object[] {policy.get(), sweeper.priority()};
    }
  }

  @Test
  void sweeperThread_runsAtIdlePriority_onLinuxWithChrt() throws Exception {
    assumeTrue(currentPolicy().isPresent(), "no /proc/thread-self here");
    assumeTrue(onPath("chrt"), "util-linux chrt is not installed");
    assumeTrue(idlePolicyWorksHere(), "chrt --idle is refused here (container policy)");
    assertThat(currentPolicy()).as("the test thread").hasValue(0);
    assertThat(policyOfSweeperThread(true)).containsExactly(SCHED_IDLE, IdlePriority.Outcome.IDLE);
    // only the sweeper's own thread was lowered
    assertThat(currentPolicy()).as("the test thread").hasValue(0);
  }

  @Test
  void sweeperThread_keepsNormalPriority_whenToldTo() throws Exception {
    assumeTrue(currentPolicy().isPresent(), "no /proc/thread-self here");
    assertThat(policyOfSweeperThread(false)).containsExactly(0, null);
  }

  @Test
  void currentThreadId_isTheKernelThreadOfTheCaller() throws Exception {
    assumeTrue(currentPolicy().isPresent(), "no /proc/thread-self here");
    int main = IdlePriority.currentThreadId().orElseThrow();
    AtomicInteger other = new AtomicInteger();
    Thread thread = new Thread(() -> other.set(IdlePriority.currentThreadId().orElse(-1)));
    thread.start();
    thread.join();
    assertThat(other.get()).isPositive().isNotEqualTo(main);
    assertThat(Path.of("/proc/self/task", Integer.toString(main))).isDirectory();
  }

  /** Linux's {@code SCHED_IDLE} policy number, as in {@code /proc/<tid>/stat}. */
  private static final int SCHED_IDLE = 5;

  /**
   * The scheduling policy of the calling thread (field 41 of {@code /proc/thread-self/stat}), or
   * empty where there is no such file.
   */
  private static OptionalInt currentPolicy() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
      // The name (field 2) is in parentheses and may hold spaces: count fields after its end.
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return OptionalInt.of(Integer.parseInt(rest[41 - 3]));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** Whether IdlePriority can lower a throwaway thread here (some sandboxes refuse the call). */
  private static boolean idlePolicyWorksHere() throws InterruptedException {
    AtomicInteger policy = new AtomicInteger(-1);
    Thread probe =
        new Thread(
            () -> {
              if (IdlePriority.lowerCurrentThread() == IdlePriority.Outcome.IDLE) {
                policy.set(currentPolicy().orElse(-2));
              }
            });
    probe.start();
    probe.join();
    return policy.get() == SCHED_IDLE;
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void sweepsRealStore() {
    MutableClock clock = MutableClock.atSeconds(1000);
    try (InMemoryKvStore store = new InMemoryKvStore(clock);
        ExpirySweeper sweeper = new ExpirySweeper(store, Duration.ofSeconds(1), 2)) {
      NamespaceRef ns = store.createNamespace("acc", "t").ref();
      for (int i = 0; i < 5; i++) {
        store.put(ns, new KvEntry("k" + i, new byte[0], null, 1060));
      }
      assertThat(sweeper.runOnce()).isZero();
      clock.advanceSeconds(60);
      assertThat(sweeper.runOnce()).isEqualTo(5);
    }
  }

  @Test
  void constructor_rejectsBadArguments() {
    KvStore store = new ScriptedStore().proxy();
    assertThatThrownBy(() -> new ExpirySweeper(store, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ExpirySweeper(store, Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ExpirySweeper(store, Duration.ofSeconds(1), 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ExpirySweeper(store, Duration.ofSeconds(1), 1, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
