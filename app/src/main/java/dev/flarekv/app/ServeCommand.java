package dev.flarekv.app;

import dev.flarekv.server.HeapReturn;
import dev.flarekv.server.KvServer;
import dev.flarekv.server.ServerConfig;
import dev.flarekv.server.auth.Tokens;
import dev.flarekv.server.auth.TokensFile;
import dev.flarekv.storage.cassandra.CassandraConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flarekv serve}: runs the server until SIGINT/SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Start the flarekv server (Cloudflare KV REST API v4 over embedded RocksDB or Apache"
            + " Cassandra).")
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "<file>",
      description =
          "Settings file (Java properties): one '<option>=<value>' per line with the long option"
              + " name without dashes, e.g. store=cassandra or cassandra-contact-points=h1:9042,"
              + "h2:9042; '#' starts a comment. Flags given on the command line win; repeatable"
              + " options (api-token, metrics-token; comma-separated in the file) take values from"
              + " both. An empty value is the same as no line.")
  Path configFile;

  @Option(
      names = "--host",
      defaultValue = ServerConfig.DEFAULT_HOST,
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8790",
      description = "REST API port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = ".flarekv/data",
      description = "RocksDB data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--api-token",
      description =
          "Bearer token the API accepts; repeatable. Also read from FLAREKV_API_TOKEN (unset or"
              + " empty: none). Without one the server runs open and only binds to loopback. An"
              + " empty or blank token is refused.")
  List<String> apiTokens = new ArrayList<>();

  @Option(
      names = "--metrics-token",
      description =
          "Bearer token that may read /metrics and nothing else; repeatable. Also read from"
              + " FLAREKV_METRICS_TOKEN (unset or empty: none). /metrics takes these and every API"
              + " token; it is open only when no token of any kind is configured.")
  List<String> metricsTokens = new ArrayList<>();

  @Option(
      names = "--tokens-file",
      paramLabel = "<file>",
      description =
          "Tokens limited to some accounts: one '<token> <account-id>[,<account-id>...]' per"
              + " line; blank lines and # comments are ignored. --api-token tokens keep access to"
              + " every account.")
  Path tokensFile;

  @Mixin ModesOptions modes;

  @Option(
      names = "--seed",
      paramLabel = "<file|dir>",
      description =
          "A seed file to apply at start and on every `flarekv reset` (repeatable; a directory"
              + " means every *.json seed file in it). A bad seed refuses the start. See"
              + " docs/state.md.")
  List<Path> seeds = new ArrayList<>();

  @Option(
      names = "--sync",
      description = "fsync the write-ahead log on every write (survives power loss).")
  boolean sync;

  @Option(
      names = "--sweep-interval",
      defaultValue = "PT10S",
      converter = DurationConverter.class,
      description = "How often expired keys are physically removed, e.g. 10s, 500ms, PT1M.")
  Duration sweepInterval;

  @Option(
      names = "--binding-port",
      defaultValue = "8791",
      description =
          "Port of the workerd KV binding listener; 0 disables it, 'auto' picks a free one"
              + " (default: ${DEFAULT-VALUE}).")
  String bindingPort;

  @Option(
      names = "--binding-namespace",
      description =
          "Namespace title used by binding requests without an X-Flarekv-Namespace header;"
              + " created in the --account-id account on first use.")
  String bindingNamespace;

  @Option(
      names = "--shutdown-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "On SIGTERM/SIGINT, how long in-flight requests may take to finish before their"
              + " connections are closed (default: ${DEFAULT-VALUE}).")
  Duration shutdownTimeout;

  @Option(
      names = "--idle-timeout",
      defaultValue = "120s",
      converter = DurationConverter.class,
      description =
          "Close a connection after this long without reads or writes, e.g. 30s, 5m"
              + " (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--request-read-timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Answer 408 and close the connection when a request's head and body have not all"
              + " arrived this long after its first byte, e.g. 30s, 500ms"
              + " (default: ${DEFAULT-VALUE}).")
  Duration requestReadTimeout;

  @Option(
      names = "--account-id",
      defaultValue = ServerConfig.DEFAULT_ACCOUNT_ID,
      description = "Account reported to wrangler's account discovery (default: ${DEFAULT-VALUE}).")
  String accountId;

  @Option(
      names = "--store",
      defaultValue = "rocksdb",
      description =
          "Storage engine: rocksdb (embedded, in --data-dir) or cassandra (a Cassandra cluster;"
              + " several servers over one keyspace act as one KV) (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(
      names = "--cassandra-contact-points",
      defaultValue = "127.0.0.1:9042",
      paramLabel = "<host[:port],...>",
      description = "Cassandra nodes to connect through (default: ${DEFAULT-VALUE}).")
  String cassandraContactPoints;

  @Option(
      names = "--cassandra-keyspace",
      defaultValue = CassandraConfig.DEFAULT_KEYSPACE,
      description = "Keyspace, created with its tables if missing (default: ${DEFAULT-VALUE}).")
  String cassandraKeyspace;

  @Option(
      names = "--cassandra-replication",
      defaultValue = "3",
      description =
          "Replication factor used when the keyspace is created; use 1 for a one-node cluster"
              + " (default: ${DEFAULT-VALUE}).")
  int cassandraReplication;

  @Option(
      names = "--cassandra-datacenter",
      defaultValue = CassandraConfig.DEFAULT_DATACENTER,
      description = "The local data center (default: ${DEFAULT-VALUE}).")
  String cassandraDatacenter;

  @Option(
      names = "--cassandra-consistency",
      defaultValue = "QUORUM",
      description =
          "Consistency level of reads and writes, e.g. QUORUM or LOCAL_QUORUM"
              + " (default: ${DEFAULT-VALUE}).")
  String cassandraConsistency;

  @Option(
      names = "--cassandra-chunk-gc-interval",
      defaultValue = "24h",
      converter = DurationConverter.class,
      description =
          "How often this server scans for value chunks no key points to any more and removes"
              + " them; 0 never (default: ${DEFAULT-VALUE}).")
  Duration cassandraChunkGcInterval;

  @Override
  public Integer call() throws Exception {
    return effective().run();
  }

  private int run() throws Exception {
    ServerConfig config = serverConfig();
    PrintWriter out = spec.commandLine().getOut();
    HeapReturn.enable();
    KvServer server = KvServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close(shutdownTimeout);
                  stopped.countDown();
                },
                "flarekv-shutdown"));
    out.println(
        "flarekv listening: CLOUDFLARE_API_BASE_URL="
            + server.apiBaseUrl()
            + (server.bindingPort() < 0
                ? ""
                : " FLAREKV_BINDING_ADDRESS=" + config.host() + ":" + server.bindingPort())
            + " (data: "
            + KvServer.storeDescription(config)
            + ")");
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * This command, or, with {@code --config}, a fresh one parsed from the file's settings followed
   * by the flags given on the command line (so those win).
   */
  ServeCommand effective() {
    if (configFile == null) {
      return this;
    }
    List<String> args = ServeConfigFile.read(spec, configFile);
    for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
      if (option.longestName().equals("--config")) {
        continue;
      }
      if (option.arity().max() == 0) {
        args.add(option.longestName());
      } else {
        for (String value : option.stringValues()) {
          args.add(option.longestName() + "=" + value);
        }
      }
    }
    CommandLine reparsed = new CommandLine(new ServeCommand());
    reparsed.setOverwrittenOptionsAllowed(true);
    reparsed.setOut(spec.commandLine().getOut());
    reparsed.setErr(spec.commandLine().getErr());
    reparsed.parseArgs(args.toArray(String[]::new));
    return reparsed.getCommand();
  }

  /**
   * The server's configuration from the parsed options (and FLAREKV_API_TOKEN,
   * FLAREKV_METRICS_TOKEN).
   */
  ServerConfig serverConfig() throws java.io.IOException {
    return ServerConfig.defaults()
        .withHost(host)
        .withPort(port)
        .withDataDir(dataDir)
        .withApiTokens(tokens("--api-token", apiTokens, "FLAREKV_API_TOKEN"))
        .withScopedTokens(tokensFile == null ? List.of() : TokensFile.read(tokensFile))
        .withMetricsTokens(tokens("--metrics-token", metricsTokens, "FLAREKV_METRICS_TOKEN"))
        .withSyncWrites(sync)
        .withSweepInterval(sweepInterval)
        .withIdleTimeout(idleTimeout)
        .withRequestReadTimeout(requestReadTimeout)
        .withAccountId(accountId)
        .withBindingPort(parseBindingPort(bindingPort))
        .withBindingNamespace(bindingNamespace)
        .withCassandra(cassandraConfig())
        .withModes(modes.toModes())
        .withSeeds(seeds);
  }

  /**
   * The flag's tokens plus the environment variable's. A blank flag value is refused (it would
   * otherwise be a token that {@code Bearer } with nothing after it matches); the variable unset or
   * empty adds nothing, as if it were absent, but only whitespace in it is refused.
   */
  private List<String> tokens(String flag, List<String> values, String variable) {
    List<String> tokens = new ArrayList<>();
    for (String value : values) {
      tokens.add(checked(value, flag));
    }
    String env = System.getenv(variable);
    if (env != null && !env.isEmpty()) {
      tokens.add(checked(env.trim(), variable));
    }
    return tokens;
  }

  private String checked(String token, String source) {
    String problem = Tokens.problem(token, source);
    if (problem != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), problem);
    }
    return token;
  }

  private CassandraConfig cassandraConfig() {
    switch (store.toLowerCase(java.util.Locale.ROOT)) {
      case "rocksdb":
        return null;
      case "cassandra":
        try {
          CassandraConfig defaults =
              CassandraConfig.defaults(
                  CassandraConfig.parseContactPoints(cassandraContactPoints),
                  cassandraKeyspace,
                  cassandraReplication);
          return new CassandraConfig(
              defaults.contactPoints(),
              cassandraDatacenter,
              defaults.keyspace(),
              defaults.replicationFactor(),
              cassandraConsistency,
              cassandraConsistency.toUpperCase(java.util.Locale.ROOT).startsWith("LOCAL_")
                  ? "LOCAL_SERIAL"
                  : "SERIAL",
              defaults.listBuckets(),
              defaults.requestTimeout(),
              defaults.schemaTimeout(),
              defaults.namespaceCacheTtl(),
              cassandraChunkGcInterval);
        } catch (IllegalArgumentException e) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
      default:
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--store must be rocksdb or cassandra: " + store);
    }
  }

  private static int parseBindingPort(String value) {
    if (value.equalsIgnoreCase("auto")) {
      return ServerConfig.EPHEMERAL_PORT;
    }
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException();
      }
      return port;
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new ServeCommand()),
          "--binding-port must be 0..65535 or auto: " + value);
    }
  }

  /** Parses {@code 10s}, {@code 500ms}, {@code 2m}, {@code 24h} or ISO-8601 {@code PT10S}. */
  static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(v));
    }
  }
}
