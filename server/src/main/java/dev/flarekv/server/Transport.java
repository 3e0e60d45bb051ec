package dev.flarekv.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport of the listeners: Linux epoll when its native library loads (fewer system
 * calls and wake-ups per request than NIO's selector), else the portable NIO one. Chosen by the
 * system property {@value #PROPERTY}: {@code auto} (default), {@code epoll} (fail if unavailable)
 * or {@code nio}.
 */
enum Transport {
  EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class),
  NIO(NioIoHandler::newFactory, NioServerSocketChannel.class);

  static final String PROPERTY = "flarekv.transport";

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private final Supplier<IoHandlerFactory> factory;
  private final Class<? extends ServerChannel> serverChannel;

  Transport(Supplier<IoHandlerFactory> factory, Class<? extends ServerChannel> serverChannel) {
    this.factory = factory;
    this.serverChannel = serverChannel;
  }

  IoHandlerFactory ioHandlerFactory() {
    return factory.get();
  }

  Class<? extends ServerChannel> serverChannel() {
    return serverChannel;
  }

  /**
   * @param choice {@code auto}, {@code epoll} or {@code nio}
   * @throws IllegalArgumentException for another choice, or {@code epoll} where it cannot load
   */
  static Transport select(String choice) {
    switch (choice.toLowerCase(Locale.ROOT)) {
      case "nio":
        return NIO;
      case "epoll":
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "-D" + PROPERTY + "=epoll: epoll is unavailable: " + Epoll.unavailabilityCause());
        }
        return EPOLL;
      case "auto":
        if (Epoll.isAvailable()) {
          return EPOLL;
        }
        log.debug("epoll unavailable, using NIO: {}", String.valueOf(Epoll.unavailabilityCause()));
        return NIO;
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + " must be auto, epoll or nio, not " + choice);
    }
  }
}
