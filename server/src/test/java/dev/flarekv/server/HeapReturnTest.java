package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The periodic G1 collection that lets an idle server return heap after a burst. */
class HeapReturnTest {
  @Test
  void setsThePeriodicCollection_onlyWhenNobodyChoseOne() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    assumeTrue("true".equals(vm.getVMOption("UseG1GC").getValue()), "this JVM does not run G1");
    VMOption before = vm.getVMOption(HeapReturn.FLAG);
    assumeTrue(before.getOrigin() == VMOption.Origin.DEFAULT, "the test JVM set the flag itself");
    try {
      assertThat(HeapReturn.enable()).isTrue();
      assertThat(vm.getVMOption(HeapReturn.FLAG).getValue())
          .isEqualTo(Long.toString(HeapReturn.INTERVAL_MILLIS));
      // now it is chosen (by the first call): a second call leaves it alone
      vm.setVMOption(HeapReturn.FLAG, "12345");
      assertThat(HeapReturn.enable()).isFalse();
      assertThat(vm.getVMOption(HeapReturn.FLAG).getValue()).isEqualTo("12345");
    } finally {
      vm.setVMOption(HeapReturn.FLAG, before.getValue());
    }
  }
}
