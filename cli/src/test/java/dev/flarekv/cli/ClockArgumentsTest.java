package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClockArgumentsTest {

  @ParameterizedTest
  @CsvSource({
    "90s, 90",
    "15m, 900",
    "1h30m, 5400",
    "2d, 172800",
    "1d2h3m4s, 93784",
    "1H30M, 5400",
    "3600, 3600",
    "PT1H, 3600",
    "pt90s, 90",
    "P1DT2H, 93600",
    "' 45m ', 2700"
  })
  void durations(String text, long seconds) {
    assertThat(ClockArguments.durationSeconds(text)).isEqualTo(seconds);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1y", "5w", "10x", "1.5h", "h", "", "30m1h", "1h 30m", "abc", "PT1X"})
  void unknownDurations_sayWhatIsAccepted(String text) {
    assertThatThrownBy(() -> ClockArguments.durationSeconds(text))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("Unknown duration")
        .hasMessageContaining("90s, 15m, 1h30m, 2d");
  }

  @Test
  void nonPositiveFractionalAndHugeDurations_areRefused() {
    assertThatThrownBy(() -> ClockArguments.durationSeconds("0s"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("not positive");
    assertThatThrownBy(() -> ClockArguments.durationSeconds("PT-1H"))
        .hasMessageContaining("not positive");
    assertThatThrownBy(() -> ClockArguments.durationSeconds("-5m"))
        .hasMessageContaining("is negative: the clock only moves forward");
    assertThatThrownBy(() -> ClockArguments.durationSeconds("PT0.5S"))
        .hasMessageContaining("whole number of seconds");
    assertThatThrownBy(() -> ClockArguments.durationSeconds("99999999999999999999d"))
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> ClockArguments.durationSeconds("999999999999999999d"))
        .hasMessageContaining("too long");
  }

  @Test
  void instants() {
    assertThat(ClockArguments.instantSeconds("2030-01-01T00:00:00Z")).isEqualTo(1_893_456_000L);
    assertThat(ClockArguments.instantSeconds("2030-01-01T02:00:00+02:00"))
        .isEqualTo(1_893_456_000L);
    assertThat(ClockArguments.instantSeconds("2030-01-01")).isEqualTo(1_893_456_000L);
    assertThat(ClockArguments.instantSeconds("1893456000")).isEqualTo(1_893_456_000L);
    assertThatThrownBy(() -> ClockArguments.instantSeconds("next tuesday"))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("Unknown time")
        .hasMessageContaining("2030-01-01T00:00:00Z");
    assertThatThrownBy(() -> ClockArguments.instantSeconds("2030-01-01T00:00:00.5Z"))
        .hasMessageContaining("whole second");
  }
}
