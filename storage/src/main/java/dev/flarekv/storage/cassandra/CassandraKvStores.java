package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreException;
import dev.flarekv.storage.clock.KvClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;

/**
 * Opens Cassandra-backed stores. With {@link CassandraConfig}, the only public types of this
 * package; no driver type leaves it.
 */
public final class CassandraKvStores {
  private CassandraKvStores() {}

  /**
   * Connects to the cluster, creates the keyspace and tables if missing and returns the store. The
   * store owns the connection; {@link KvStore#close()} closes it.
   *
   * @param clock the time source for expiry decisions (CQL TTLs are computed against it too)
   * @throws StoreException with a one-line message naming the contact points when no node answers
   *     or the schema cannot be created
   */
  public static KvStore open(CassandraConfig config, InstantSource clock) {
    return open(config, clock, null);
  }

  /**
   * As {@link #open(CassandraConfig, InstantSource)}, and the driver reports its own metrics into
   * {@code registry} (when not null): request latencies and client timeouts of the session,
   * connected nodes and bytes, and per node ({@code node} tag) messages, open connections,
   * in-flight requests, errors by kind and retries. Names start with {@code cassandra.session.} and
   * {@code cassandra.nodes.}; docs/cassandra.md lists them.
   */
  public static KvStore open(CassandraConfig config, InstantSource clock, MeterRegistry registry) {
    return open(config, clock, KvClock.system(), registry);
  }

  /**
   * As {@link #open(CassandraConfig, InstantSource, MeterRegistry)}, with the wall clock given: the
   * time shared with the Cassandra nodes and the other front ends, which write timestamps and CQL's
   * expiration limits are in (docs/cassandra.md, "Timestamps"). {@code clock} may be driven (tests,
   * emulated time); {@code wallClock} must follow real time.
   */
  public static KvStore open(
      CassandraConfig config,
      InstantSource clock,
      InstantSource wallClock,
      MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(wallClock, "wallClock");
    CqlSession session = connect(config, registry);
    try {
      EngineContext engine =
          new EngineContext(session, Cql.create(session, config), clock, wallClock);
      return new CassandraKvStore(engine, config, true);
    } catch (DriverException e) {
      session.close();
      throw new StoreException(
          "Cannot create the schema of keyspace " + config.keyspace() + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      session.close();
      throw e;
    }
  }

  /**
   * Session metrics the driver reports (see {@link #open(CassandraConfig, InstantSource,
   * MeterRegistry)}).
   */
  static final List<String> SESSION_METRICS =
      List.of(
          "cql-requests",
          "cql-client-timeouts",
          "connected-nodes",
          "bytes-sent",
          "bytes-received",
          "throttling.errors");

  /** Per-node metrics the driver reports. */
  static final List<String> NODE_METRICS =
      List.of(
          "cql-messages",
          "pool.open-connections",
          "pool.in-flight",
          "errors.request.unsent",
          "errors.request.aborted",
          "errors.request.write-timeouts",
          "errors.request.read-timeouts",
          "errors.request.unavailables",
          "errors.request.others",
          "errors.connection.init",
          "retries.total",
          "speculative-executions");

  static CqlSession connect(CassandraConfig config) {
    return connect(config, null);
  }

  static CqlSession connect(CassandraConfig config, MeterRegistry registry) {
    ProgrammaticDriverConfigLoaderBuilder options =
        DriverConfigLoader.programmaticBuilder()
            .withString(DefaultDriverOption.SESSION_NAME, "flarekv")
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, config.requestTimeout())
            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.consistency())
            .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, config.serialConsistency())
            .withDuration(
                DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, config.schemaTimeout())
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(
                DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, config.schemaTimeout())
            .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
            // Every write carries its own timestamp (KeyLayout.WriteClock), so the driver's
            // generator only stamps reads: the JDK clock will do, and the driver then does not
            // try to load JNR (not shipped), which logged a 30-line stack trace at every start.
            .withBoolean(DefaultDriverOption.TIMESTAMP_GENERATOR_FORCE_JAVA_CLOCK, true)
            // No quiet period when the session closes (the driver's default is 2 s on each of its
            // two event loop groups, during which close() blocks). The store closes only after the
            // server has drained its requests and run the pending chunk cleanups, so no task can
            // arrive; queued tasks still run. Saves 2 s on every shutdown (and per server test).
            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    if (registry != null) {
      options =
          options
              .withString(DefaultDriverOption.METRICS_FACTORY_CLASS, "MicrometerMetricsFactory")
              // names without the session and node in them; those become the tags
              // session="flarekv" and node="<address>", which is what Prometheus expects
              .withString(
                  DefaultDriverOption.METRICS_ID_GENERATOR_CLASS, "TaggingMetricIdGenerator")
              .withString(DefaultDriverOption.METRICS_ID_GENERATOR_PREFIX, "cassandra")
              .withStringList(DefaultDriverOption.METRICS_SESSION_ENABLED, SESSION_METRICS)
              .withStringList(DefaultDriverOption.METRICS_NODE_ENABLED, NODE_METRICS)
              // histogram buckets, so p99 can be aggregated over front ends in Prometheus
              .withBoolean(DefaultDriverOption.METRICS_GENERATE_AGGREGABLE_HISTOGRAMS, true);
    }
    DriverConfigLoader loader = options.build();
    List<InetSocketAddress> points =
        config.contactPoints().stream()
            .map(p -> p.isUnresolved() ? new InetSocketAddress(p.getHostString(), p.getPort()) : p)
            .toList();
    try {
      CqlSessionBuilder builder =
          CqlSession.builder()
              .addContactPoints(points)
              .withLocalDatacenter(config.localDatacenter())
              .withConfigLoader(loader);
      if (registry != null) {
        builder = builder.withMetricRegistry(registry);
      }
      return builder.build();
    } catch (DriverException e) {
      throw new StoreException(
          "Cannot reach Cassandra at " + config.contactPoints() + ": " + e.getMessage(), e);
    }
  }
}
