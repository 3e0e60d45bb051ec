package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void select_namesAndFallback() {
    assertThat(Transport.select("nio")).isEqualTo(Transport.NIO);
    assertThat(Transport.select("NIO")).isEqualTo(Transport.NIO);
    assertThat(Transport.select("auto"))
        .isEqualTo(io.netty.channel.epoll.Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
    assertThatThrownBy(() -> Transport.select("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, epoll or nio");
  }
}
