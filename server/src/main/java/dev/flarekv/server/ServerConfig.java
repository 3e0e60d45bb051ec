package dev.flarekv.server;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.storage.cassandra.CassandraConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything {@link KvServer} needs to start.
 *
 * @param host the address to bind the REST API to (default 127.0.0.1)
 * @param port the REST port; 0 picks a free one
 * @param dataDir where RocksDB keeps its files (unused with {@code cassandra})
 * @param apiTokens bearer tokens accepted by the REST API; empty = open (loopback only)
 * @param scopedTokens tokens limited to some accounts ({@code --tokens-file})
 * @param metricsTokens tokens that may only read {@code /metrics} ({@code --metrics-token}); any
 *     API or scoped token reads it too, and with no token at all it is open
 * @param syncWrites fsync every write before acknowledging it
 * @param sweepInterval how often the expiry sweeper runs
 * @param accountId the account reported by {@code /memberships} (wrangler's account discovery)
 * @param storageThreads size of the pool that runs storage calls off the event loop
 * @param bindingPort the workerd binding listener's port: 0 disables it, {@link #EPHEMERAL_PORT}
 *     picks a free one
 * @param bindingNamespace the namespace title binding requests use when they carry no {@code
 *     X-Flarekv-Namespace} header (created in {@code accountId} on first use), or null
 * @param idleTimeout how long a connection may stay without reads or writes before the server
 *     closes it (a request being processed does not count as idle)
 * @param requestReadTimeout how long a request's head and body may take to arrive, from its first
 *     byte, before the server answers 408 and closes the connection
 * @param cassandra where to store the data in Apache Cassandra instead of RocksDB
 *     (docs/cassandra.md), or null for RocksDB in {@code dataDir}
 * @param bodyBudgetBytes the most request-body bytes (weighted by what parsing them costs) held in
 *     memory at once over all connections; 0 for half the heap, at least 256 MiB
 * @param modes the production-realism modes (docs/modes.md); {@link Modes#OFF} by default
 * @param seeds seed files or directories applied at start and by every reset (docs/state.md)
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    List<String> apiTokens,
    List<ScopedToken> scopedTokens,
    List<String> metricsTokens,
    boolean syncWrites,
    Duration sweepInterval,
    String accountId,
    int storageThreads,
    int bindingPort,
    String bindingNamespace,
    Duration idleTimeout,
    Duration requestReadTimeout,
    CassandraConfig cassandra,
    long bodyBudgetBytes,
    Modes modes,
    List<Path> seeds) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8790;
  public static final Path DEFAULT_DATA_DIR = Path.of(".flarekv", "data");
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_BINDING_PORT = 8791;
  public static final int EPHEMERAL_PORT = -1;
  public static final String DEFAULT_ACCOUNT_ID = "f1a2e4b0000000000000000000000001";
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
  public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(60);

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    apiTokens = List.copyOf(apiTokens);
    scopedTokens = List.copyOf(scopedTokens);
    metricsTokens = List.copyOf(metricsTokens);
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    Objects.requireNonNull(accountId, "accountId");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if (bindingPort < EPHEMERAL_PORT || bindingPort > 65535) {
      throw new IllegalArgumentException("bindingPort must be -1..65535: " + bindingPort);
    }
    if (storageThreads < 1) {
      throw new IllegalArgumentException("storageThreads must be >= 1: " + storageThreads);
    }
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("sweepInterval must be positive: " + sweepInterval);
    }
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException("idleTimeout must be at least 1 ms: " + idleTimeout);
    }
    Objects.requireNonNull(requestReadTimeout, "requestReadTimeout");
    if (requestReadTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "requestReadTimeout must be at least 1 ms: " + requestReadTimeout);
    }
    Objects.requireNonNull(modes, "modes");
    seeds = List.copyOf(seeds);
    if (bodyBudgetBytes < 0) {
      throw new IllegalArgumentException("bodyBudgetBytes must be >= 0: " + bodyBudgetBytes);
    }
  }

  /**
   * Defaults: 127.0.0.1:8790, ./.flarekv/data, no tokens, WAL without fsync, 10 s sweeps, 120 s
   * idle timeout, 60 s request read timeout.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        DEFAULT_DATA_DIR,
        List.of(),
        List.of(),
        List.of(),
        false,
        DEFAULT_SWEEP_INTERVAL,
        DEFAULT_ACCOUNT_ID,
        Math.max(4, 4 * Runtime.getRuntime().availableProcessors()),
        DEFAULT_BINDING_PORT,
        null,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_REQUEST_READ_TIMEOUT,
        null,
        0,
        Modes.OFF,
        List.of());
  }

  public ServerConfig withHost(String value) {
    return with(d -> d.host = value);
  }

  public ServerConfig withPort(int value) {
    return with(d -> d.port = value);
  }

  public ServerConfig withDataDir(Path value) {
    return with(d -> d.dataDir = value);
  }

  public ServerConfig withApiTokens(List<String> value) {
    return with(d -> d.apiTokens = value);
  }

  public ServerConfig withScopedTokens(List<ScopedToken> value) {
    return with(d -> d.scopedTokens = value);
  }

  public ServerConfig withMetricsTokens(List<String> value) {
    return with(d -> d.metricsTokens = value);
  }

  public ServerConfig withSyncWrites(boolean value) {
    return with(d -> d.syncWrites = value);
  }

  public ServerConfig withSweepInterval(Duration value) {
    return with(d -> d.sweepInterval = value);
  }

  public ServerConfig withAccountId(String value) {
    return with(d -> d.accountId = value);
  }

  public ServerConfig withStorageThreads(int value) {
    return with(d -> d.storageThreads = value);
  }

  public ServerConfig withBindingPort(int value) {
    return with(d -> d.bindingPort = value);
  }

  public ServerConfig withBindingNamespace(String value) {
    return with(d -> d.bindingNamespace = value);
  }

  public ServerConfig withIdleTimeout(Duration value) {
    return with(d -> d.idleTimeout = value);
  }

  public ServerConfig withRequestReadTimeout(Duration value) {
    return with(d -> d.requestReadTimeout = value);
  }

  /** Stores the data in Cassandra; null goes back to RocksDB. */
  public ServerConfig withCassandra(CassandraConfig value) {
    return with(d -> d.cassandra = value);
  }

  /** Caps the request bodies held at once; 0 goes back to half the heap. */
  public ServerConfig withBodyBudgetBytes(long value) {
    return with(d -> d.bodyBudgetBytes = value);
  }

  /** Starts the server with these realism modes. */
  public ServerConfig withModes(Modes value) {
    return with(d -> d.modes = value);
  }

  /** Applies these seed files or directories at start and on every reset. */
  public ServerConfig withSeeds(List<Path> value) {
    return with(d -> d.seeds = value);
  }

  private ServerConfig with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A mutable copy, so each {@code withX} names only what it changes. */
  private static final class Draft {
    String host;
    int port;
    Path dataDir;
    List<String> apiTokens;
    List<ScopedToken> scopedTokens;
    List<String> metricsTokens;
    boolean syncWrites;
    Duration sweepInterval;
    String accountId;
    int storageThreads;
    int bindingPort;
    String bindingNamespace;
    Duration idleTimeout;
    Duration requestReadTimeout;
    CassandraConfig cassandra;
    long bodyBudgetBytes;
    Modes modes;
    List<Path> seeds;

    Draft(ServerConfig c) {
      host = c.host;
      port = c.port;
      dataDir = c.dataDir;
      apiTokens = c.apiTokens;
      scopedTokens = c.scopedTokens;
      metricsTokens = c.metricsTokens;
      syncWrites = c.syncWrites;
      sweepInterval = c.sweepInterval;
      accountId = c.accountId;
      storageThreads = c.storageThreads;
      bindingPort = c.bindingPort;
      bindingNamespace = c.bindingNamespace;
      idleTimeout = c.idleTimeout;
      requestReadTimeout = c.requestReadTimeout;
      cassandra = c.cassandra;
      bodyBudgetBytes = c.bodyBudgetBytes;
      modes = c.modes;
      seeds = c.seeds;
    }

    ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          dataDir,
          apiTokens,
          scopedTokens,
          metricsTokens,
          syncWrites,
          sweepInterval,
          accountId,
          storageThreads,
          bindingPort,
          bindingNamespace,
          idleTimeout,
          requestReadTimeout,
          cassandra,
          bodyBudgetBytes,
          modes,
          seeds);
    }
  }

  @Override
  public String toString() {
    // never print tokens
    return "ServerConfig[host="
        + host
        + ", port="
        + port
        + ", dataDir="
        + dataDir
        + ", apiTokens="
        + apiTokens.size()
        + " configured, scopedTokens="
        + scopedTokens.size()
        + " configured, metricsTokens="
        + metricsTokens.size()
        + " configured, syncWrites="
        + syncWrites
        + ", sweepInterval="
        + sweepInterval
        + ", accountId="
        + accountId
        + ", storageThreads="
        + storageThreads
        + ", bindingPort="
        + bindingPort
        + ", bindingNamespace="
        + bindingNamespace
        + ", idleTimeout="
        + idleTimeout
        + ", requestReadTimeout="
        + requestReadTimeout
        + ", store="
        + (cassandra == null
            ? "rocksdb"
            : "cassandra " + cassandra.keyspace() + " at " + cassandra.contactPoints())
        + ", bodyBudgetBytes="
        + bodyBudgetBytes
        + ", modes="
        + modes
        + ", seeds="
        + seeds
        + "]";
  }
}
