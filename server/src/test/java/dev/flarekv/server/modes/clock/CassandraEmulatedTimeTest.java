package dev.flarekv.server.modes.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.Engine;
import dev.flarekv.server.testkit.TestServer.Reply;
import org.junit.jupiter.api.Test;

/**
 * {@link EmulatedTimeTest} on the Cassandra engine: moving the clock forward works as on RocksDB
 * (reads decide expiry by the server's clock, the sweeper follows it); freezing is refused, at
 * start ({@code --clock manual}) and through the control (docs/cassandra.md, "Emulated time").
 */
class CassandraEmulatedTimeTest extends EmulatedTimeTest {
  @Override
  Engine engine() {
    return Engine.CASSANDRA;
  }

  @Override
  @Test
  void manualMode_startsFrozen_andStandsStillWhileTheBaseTicks() {
    assertThatThrownBy(() -> start(Modes.Clock.MANUAL))
        .hasMessageContaining("--clock manual is not available with --cassandra");
    server = null;
    start(Modes.Clock.SYSTEM);
    Reply freeze = server.postJson("/flarekv/v1/clock", "{\"frozen\":true}");
    assertThat(freeze.status()).isEqualTo(400);
    assertThat(freeze.errorMessage()).contains("cannot freeze emulated time");
    Reply state = server.get("/flarekv/v1/clock");
    assertThat(state.result().path("frozen").booleanValue()).isFalse();
    assertThat(state.result().path("can_freeze").booleanValue()).isFalse();
  }
}
