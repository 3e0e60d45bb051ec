package dev.flarekv.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatusTest {
  private static final String STATUS =
      """
      Name:\tjava
      Umask:\t0022
      State:\tS (sleeping)
      Pid:\t31754
      VmPeak:\t 6123456 kB
      VmSize:\t 6023456 kB
      VmHWM:\t 1288192 kB
      VmRSS:\t 1161216 kB
      RssAnon:\t 1100000 kB
      Threads:\t45
      """;

  @Test
  void readsRssAndPeakInKib() {
    ProcStatus s = ProcStatus.parse(STATUS);
    assertThat(s.rssKib()).isEqualTo(1_161_216);
    assertThat(s.hwmKib()).isEqualTo(1_288_192);
    assertThat(s.rssMib()).isEqualTo(1134.0);
    assertThat(s.hwmMib()).isEqualTo(1258.0);
  }

  @Test
  void doesNotMistakeOtherVmLinesForRss() {
    // VmPeak and VmSize come first and are much larger: they must not be taken
    ProcStatus s = ProcStatus.parse("VmPeak:\t 999 kB\nVmRSS:\t 10 kB\nVmHWM:\t 20 kB\n");
    assertThat(s).isEqualTo(new ProcStatus(10, 20));
  }

  @Test
  void failsWithoutMemoryLines() {
    // a kernel thread's status has no Vm* lines
    assertThatThrownBy(() -> ProcStatus.parse("Name:\tkthreadd\nState:\tS (sleeping)\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisProcess() throws Exception {
    ProcStatus s = ProcStatus.read(ProcessHandle.current().pid());
    assertThat(s.rssKib()).isPositive();
    assertThat(s.hwmKib()).isGreaterThanOrEqualTo(s.rssKib());
  }
}
