package dev.flarekv.server.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaked a Netty buffer. Registered for every test class through the
 * service loader, it installs a leak detector factory that records what Netty's PARANOID detector
 * reports (instead of only logging it), and after each class forces collection and asserts that
 * nothing was reported.
 */
public final class NettyLeakExtension implements AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    assertNoLeaks(context.getDisplayName());
  }

  /**
   * Installs the recording leak detector (class initialisation does it); for test engines that do
   * not run Jupiter extensions (jqwik), call before the first buffer is allocated.
   */
  public static void install() {
    // the static initialiser has run by now
  }

  /** Forces collection and fails if Netty reported a leaked buffer since the last check. */
  public static void assertNoLeaks(String where) throws InterruptedException {
    // Leaks are reported when the detector polls its reference queue, which happens on the next
    // tracked allocation after the leaked buffer was collected.
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      List<ByteBuf> probes = new ArrayList<>();
      for (int j = 0; j < 16; j++) {
        probes.add(PooledByteBufAllocator.DEFAULT.buffer(8));
      }
      probes.forEach(ByteBuf::release);
    }
    if (!LEAKS.isEmpty()) {
      List<String> found = new ArrayList<>(LEAKS);
      LEAKS.clear();
      throw new AssertionError(
          "Netty buffer leak(s) in " + where + ":\n" + String.join("\n", found));
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    // The abstract method Netty still requires us to implement; maxActive is unused by Netty.
    @SuppressWarnings("deprecation")
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          LEAKS.add(resourceType + " leaked:" + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          LEAKS.add(resourceType + " leaked (untraced)");
          super.reportUntracedLeak(resourceType);
        }
      };
    }
  }
}
