package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.server.KvServer;
import dev.flarekv.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flarekv serve --config FILE}: the same settings as the flags, flags winning. */
class ServeConfigFileTest {
  @TempDir Path dir;

  private ServerConfig parse(String fileText, String... flags) throws Exception {
    Path file = dir.resolve("flarekv.properties");
    Files.writeString(file, fileText, StandardCharsets.UTF_8);
    String[] args = new String[flags.length + 2];
    args[0] = "--config";
    args[1] = file.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs(args);
    return ((ServeCommand) cl.getCommand()).effective().serverConfig();
  }

  @Test
  void cassandraSettingsFromTheFile_flagsOnTheCommandLineWin() throws Exception {
    ServerConfig config =
        parse(
            """
            # a scale-out front end
            store=cassandra
            cassandra-contact-points=127.0.0.5:9042,127.0.0.6:9043
            cassandra-keyspace=kv_prod
            cassandra-replication=1
            cassandra-consistency=LOCAL_QUORUM
            cassandra-chunk-gc-interval=6h
            port=8000
            binding-port=auto
            sweep-interval=30s
            idle-timeout=5m
            request-read-timeout=45s
            sync=true
            """,
            "--port",
            "9999");
    assertThat(config.port()).isEqualTo(9999);
    assertThat(config.bindingPort()).isEqualTo(ServerConfig.EPHEMERAL_PORT);
    assertThat(config.sweepInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.requestReadTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.syncWrites()).isTrue();
    assertThat(config.cassandra()).isNotNull();
    assertThat(config.cassandra().contactPoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("127.0.0.5", 9042),
            InetSocketAddress.createUnresolved("127.0.0.6", 9043));
    assertThat(config.cassandra().keyspace()).isEqualTo("kv_prod");
    assertThat(config.cassandra().replicationFactor()).isEqualTo(1);
    assertThat(config.cassandra().consistency()).isEqualTo("LOCAL_QUORUM");
    assertThat(config.cassandra().serialConsistency()).isEqualTo("LOCAL_SERIAL");
    assertThat(config.cassandra().chunkGcInterval()).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void chunkGcInterval_defaultsToADay_andZeroTurnsItOff() throws Exception {
    assertThat(parse("store=cassandra\n").cassandra().chunkGcInterval())
        .isEqualTo(Duration.ofHours(24));
    assertThat(
            parse("store=cassandra\n", "--cassandra-chunk-gc-interval", "0")
                .cassandra()
                .chunkGcInterval())
        .isZero();
    assertThatThrownBy(
            () -> parse("store=cassandra\n", "--cassandra-chunk-gc-interval=-1h").cassandra())
        .hasMessageContaining("chunkGcInterval must be >= 0");
  }

  @Test
  void withoutAConfigFile_theFlagsAlone() throws Exception {
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs("--port", "1234", "--store", "rocksdb");
    ServerConfig config = ((ServeCommand) cl.getCommand()).effective().serverConfig();
    assertThat(config.port()).isEqualTo(1234);
    assertThat(config.cassandra()).isNull();
    assertThat(config.idleTimeout()).isEqualTo(ServerConfig.DEFAULT_IDLE_TIMEOUT);
    assertThat(config.requestReadTimeout()).isEqualTo(Duration.ofSeconds(60));
    cl.parseArgs("--request-read-timeout", "500ms");
    assertThat(((ServeCommand) cl.getCommand()).serverConfig().requestReadTimeout())
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aTokenFromTheFileAndOneFromTheCommandLine_bothCount() throws Exception {
    ServerConfig config = parse("api-token=from-file\n", "--api-token", "from-flag");
    assertThat(config.apiTokens()).contains("from-file", "from-flag");
  }

  @Test
  void blankTokenFlags_areRefused() {
    for (String flag : List.of("--api-token", "--metrics-token")) {
      for (String blank : List.of("", " ", "\t")) {
        CommandLine cl = new CommandLine(new ServeCommand());
        cl.parseArgs(flag, blank);
        assertThatThrownBy(() -> ((ServeCommand) cl.getCommand()).effective().serverConfig())
            .as("%s '%s'", flag, blank)
            .isInstanceOf(CommandLine.ParameterException.class)
            .hasMessage(
                flag
                    + " is empty or only whitespace (an unset variable?): give a real token, or"
                    + " leave it out");
      }
    }
  }

  @Test
  void blankTokenFlags_fromAConfigFileToo_andEmptyItemsInTheFile() {
    assertThatThrownBy(() -> parse("port=1\n", "--api-token="))
        .hasMessageContaining("--api-token is empty or only whitespace");
    assertThatThrownBy(() -> parse("api-token=a,,b\n"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("setting 'api-token' in ")
        .hasMessageContaining("has an empty item");
    assertThatThrownBy(() -> parse("metrics-token=m, \n"))
        .hasMessageContaining("setting 'metrics-token' in ")
        .hasMessageContaining("has an empty item");
  }

  @Test
  void anEmptyTokenSetting_isNoToken_soNeverOpensANonLoopbackServer() throws Exception {
    ServerConfig config = parse("host=0.0.0.0\napi-token=\nmetrics-token=\n");
    assertThat(config.apiTokens()).isEmpty();
    assertThat(config.metricsTokens()).isEmpty();
    // the server refuses to start open on a non-loopback address (before it binds anything)
    assertThatThrownBy(() -> KvServer.start(config.withDataDir(dir.resolve("data"))))
        .hasMessageContaining("refusing to bind to non-loopback address 0.0.0.0");
  }

  @Test
  void metricsTokens_fromTheFileAndTheCommandLine() throws Exception {
    ServerConfig config = parse("metrics-token=m1,m2\n", "--metrics-token", "m3");
    assertThat(config.metricsTokens()).containsExactlyInAnyOrder("m1", "m2", "m3");
    assertThat(config.apiTokens()).isEmpty();
  }

  @Test
  void unknownSetting_badBoolean_missingFile_areClearErrors() {
    assertThatThrownBy(() -> parse("stor=cassandra\n"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("unknown setting 'stor'");
    assertThatThrownBy(() -> parse("config=other.properties\n"))
        .hasMessageContaining("unknown setting 'config'");
    assertThatThrownBy(() -> parse("sync=yes\n"))
        .hasMessageContaining("setting 'sync'")
        .hasMessageContaining("must be true or false");
    assertThatThrownBy(() -> parse("store=mysql\n"))
        .hasMessageContaining("--store must be rocksdb or cassandra");
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.parseArgs("--config", dir.resolve("missing.properties").toString());
    assertThatThrownBy(() -> ((ServeCommand) cl.getCommand()).effective())
        .hasMessageContaining("cannot read the config file");
  }
}
