package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreException;
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
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    CqlSession session = connect(config);
    try {
      return new CassandraKvStore(session, true, Cql.create(session, config), config, clock);
    } catch (DriverException e) {
      session.close();
      throw new StoreException(
          "Cannot create the schema of keyspace " + config.keyspace() + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      session.close();
      throw e;
    }
  }

  static CqlSession connect(CassandraConfig config) {
    DriverConfigLoader loader =
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
            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
            .build();
    List<InetSocketAddress> points =
        config.contactPoints().stream()
            .map(p -> p.isUnresolved() ? new InetSocketAddress(p.getHostString(), p.getPort()) : p)
            .toList();
    try {
      return CqlSession.builder()
          .addContactPoints(points)
          .withLocalDatacenter(config.localDatacenter())
          .withConfigLoader(loader)
          .build();
    } catch (DriverException e) {
      throw new StoreException(
          "Cannot reach Cassandra at " + config.contactPoints() + ": " + e.getMessage(), e);
    }
  }
}
