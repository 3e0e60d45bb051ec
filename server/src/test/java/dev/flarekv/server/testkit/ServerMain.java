package dev.flarekv.server.testkit;

import dev.flarekv.server.KvServer;
import dev.flarekv.server.ServerConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a server in a child JVM for crash tests: {@code ServerMain <dataDir> [sync]} prints {@code
 * BINDING_PORT <m>} and {@code PORT <n>} once it accepts requests and then serves until it is
 * killed.
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerConfig config =
        ServerConfig.defaults()
            .withPort(0)
            .withDataDir(Path.of(args[0]))
            .withApiTokens(List.of(TestServer.TOKEN))
            .withAccountId(TestServer.ACCOUNT)
            .withBindingPort(ServerConfig.EPHEMERAL_PORT)
            .withSyncWrites(args.length > 1 && args[1].equals("sync"));
    KvServer server = KvServer.start(config);
    System.out.println("BINDING_PORT " + server.bindingPort());
    System.out.println("PORT " + server.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
