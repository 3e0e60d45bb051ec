package dev.flarekv.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;

/**
 * Lets an idle server hand unused heap back to the OS. After a burst (parallel bulk writes) G1
 * keeps every heap region it grew to until a collection shrinks the heap, and an idle server never
 * collects. G1's periodic collection ({@code -XX:G1PeriodicGCInterval}, off by default) runs a
 * concurrent cycle after that long without any and then gives back what is free. The flag is
 * manageable, so it is set here at start, for every way of launching the server, unless the command
 * line set it (docs/reliability.md, "Bounded memory under bulk load").
 */
public final class HeapReturn {
  /** Milliseconds without a collection after which G1 runs one (when the heap could shrink). */
  static final long INTERVAL_MILLIS = 15_000;

  static final String FLAG = "G1PeriodicGCInterval";

  private HeapReturn() {}

  /**
   * Sets the periodic collection interval if the JVM runs G1 and nobody chose one.
   *
   * @return whether it was set
   */
  public static boolean enable() {
    try {
      HotSpotDiagnosticMXBean vm =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (vm == null
          || !"true".equals(vm.getVMOption("UseG1GC").getValue())
          || vm.getVMOption(FLAG).getOrigin() != VMOption.Origin.DEFAULT) {
        return false;
      }
      vm.setVMOption(FLAG, Long.toString(INTERVAL_MILLIS));
      return true;
    } catch (RuntimeException | LinkageError e) {
      return false; // not HotSpot, or a JVM without the flag: nothing to do
    }
  }
}
