package dev.flarekv.storage.cassandra;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Cassandra cluster the engine tests run against, one per test JVM.
 *
 * <ul>
 *   <li>{@code FLAREKV_CASSANDRA=host:port[,...]}: use that running cluster (CI may start one).
 *   <li>otherwise: start a 1-node cluster with {@code scripts/cassandra-cluster.sh} in {@code
 *       .flarekv/cassandra-test} of the repository, and stop it when the JVM exits.
 *   <li>{@code FLAREKV_CASSANDRA_SKIP=1} (outside CI only) skips the Cassandra tests with a
 *       message. With {@code CI} set, a cluster that cannot be had fails the tests instead.
 * </ul>
 *
 * Each test class uses its own keyspace; stores share one session. Public for the server module's
 * tests, which only take {@link #contactPoints()} (and never touch the driver).
 */
public final class CassandraTestCluster {
  private static String contactPoints;
  private static CassandraConfig base;
  private static CqlSession session;
  private static CassandraConfig serverKeyspace;
  private static boolean stopHookAdded;

  private CassandraTestCluster() {}

  /** {@code host:port[,...]} of the cluster (started if needed); skips or fails as above. */
  public static synchronized String contactPoints() {
    if (contactPoints == null) {
      String skip = System.getenv("FLAREKV_CASSANDRA_SKIP");
      boolean ci = System.getenv("CI") != null && !System.getenv("CI").isEmpty();
      if (skip != null && !skip.isEmpty() && !skip.equals("0")) {
        if (ci) {
          throw new IllegalStateException("FLAREKV_CASSANDRA_SKIP is set, but CI must run these");
        }
        Assumptions.abort("Cassandra engine tests skipped: FLAREKV_CASSANDRA_SKIP is set");
      }
      String points = System.getenv("FLAREKV_CASSANDRA");
      if (points == null || points.isBlank()) {
        startLocalNode();
        points = "127.0.0.1:9042";
      }
      contactPoints = points;
    }
    return contactPoints;
  }

  /** A session to the cluster (started if needed). */
  static synchronized CqlSession session() {
    if (session == null) {
      String points = contactPoints();
      base =
          CassandraConfig.defaults(
              CassandraConfig.parseContactPoints(points), "flarekv_test_base", 1);
      session = CassandraKvStores.connect(base);
      CqlSession opened = session;
      Runtime.getRuntime().addShutdownHook(new Thread(opened::close, "cassandra-test-session"));
    }
    return session;
  }

  /** Creates (if missing) the keyspace {@code flarekv_test_<name>} and returns its statements. */
  static Cql schema(String name) {
    return Cql.create(session(), config(name));
  }

  static CassandraConfig config(String name) {
    session();
    return base.withKeyspace("flarekv_test_" + name);
  }

  /** A store over the shared session (closing it leaves the session open), tables emptied. */
  static CassandraKvStore emptyStore(CassandraConfig config, Cql cql, InstantSource clock) {
    CassandraKvStore store =
        new CassandraKvStore(
            new EngineContext(session(), cql, clock, InstantSource.system()), config, false);
    store.truncateAll();
    return store;
  }

  /**
   * The keyspace {@code flarekv_test_server} that the server module's tests start servers over:
   * created (if missing) and emptied once per JVM, then shared by every test class. Schema changes
   * take seconds, so tests do not get keyspaces of their own; {@link #forgetNamespaces} gives each
   * test an empty catalog instead.
   */
  public static synchronized CassandraConfig serverKeyspace() {
    if (serverKeyspace == null) {
      CassandraConfig config = config("server");
      emptyStore(config, schema("server"), InstantSource.system()).close();
      serverKeyspace = config;
    }
    return serverKeyspace;
  }

  /**
   * Empties the namespace catalog of a test keyspace: every account then has no namespaces, as on a
   * fresh RocksDB data dir. Much cheaper than {@code TRUNCATE} (a flush and a cluster-wide
   * operation per table): one scan and one partition delete per account and per namespace row. The
   * key records of the forgotten namespaces stay behind, unreachable (namespace ids are random and
   * never reused); {@link #serverKeyspace()} truncates them at the next JVM's first use. Every
   * write of the engine carries a wall-clock timestamp ({@code KeyLayout.WriteClock}), so these
   * deletes (also wall-clock) never shadow a later test's writes, whatever its injected clock.
   */
  public static void forgetNamespaces(CassandraConfig config) {
    CqlSession s = session();
    String ks = config.keyspace();
    List<String> accounts = new java.util.ArrayList<>();
    s.execute("SELECT DISTINCT account FROM " + ks + ".namespace_titles")
        .forEach(row -> accounts.add(row.getString(0)));
    List<String> ids = new java.util.ArrayList<>();
    s.execute("SELECT id FROM " + ks + ".namespaces").forEach(row -> ids.add(row.getString(0)));
    var deleteTitles = s.prepare("DELETE FROM " + ks + ".namespace_titles WHERE account = ?");
    var deleteRow = s.prepare("DELETE FROM " + ks + ".namespaces WHERE id = ?");
    List<java.util.concurrent.CompletionStage<?>> pending = new java.util.ArrayList<>();
    accounts.forEach(a -> pending.add(s.executeAsync(deleteTitles.bind(a))));
    ids.forEach(id -> pending.add(s.executeAsync(deleteRow.bind(id))));
    pending.forEach(p -> p.toCompletableFuture().join());
  }

  private static void startLocalNode() {
    Path root = repositoryRoot();
    Path runDir = root.resolve(".flarekv/cassandra-test");
    // the hook goes first: a start that fails may leave a node running, and stop only touches
    // the nodes this run dir's PID files name
    if (!stopHookAdded) {
      stopHookAdded = true;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> runScript(runDir, Map.of(), List.of("stop")), "cassandra-test-stop"));
    }
    try {
      runScript(runDir, Map.of(), List.of("start", "1"));
    } catch (IllegalStateException first) {
      // A start can fail for a passing reason on a loaded machine (a JVM that could not get its
      // heap at that moment, a jar download that broke off); one fresh attempt, after stopping
      // whatever the first one left running, tells that apart from a start that cannot work.
      System.err.println("cassandra-test: first start failed, stopping and retrying: " + first);
      runScript(runDir, Map.of(), List.of("stop"));
      try {
        runScript(runDir, Map.of(), List.of("start", "1"));
      } catch (IllegalStateException second) {
        second.addSuppressed(first);
        throw second;
      }
    }
  }

  /**
   * Runs {@code scripts/cassandra-cluster.sh args} on the run dir with extra environment. The
   * script's output is copied to this JVM's stderr as it comes; when the script fails, its last
   * lines also go into the exception, so a build's summary says why the cluster did not start.
   */
  static void runScript(Path runDir, Map<String, String> env, List<String> args) {
    Path script = repositoryRoot().resolve("scripts/cassandra-cluster.sh");
    List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("FLAREKV_CASSANDRA_DIR", runDir.toString());
    Deque<String> tail = new ArrayDeque<>();
    try {
      Process process = builder.start();
      Thread pump = new Thread(() -> pump(process, tail), "cassandra-cluster-output");
      pump.setDaemon(true);
      pump.start();
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            script + " " + args + " did not finish in 300 s" + lastLines(tail));
      }
      pump.join(TimeUnit.SECONDS.toMillis(5));
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            script
                + " "
                + args
                + " failed with exit code "
                + process.exitValue()
                + " (a cluster you started yourself? set FLAREKV_CASSANDRA=127.0.0.1:9042)"
                + lastLines(tail));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  private static final int TAIL_LINES = 15;

  /** Copies the script's output to stderr, keeping its last {@value #TAIL_LINES} lines. */
  private static void pump(Process process, Deque<String> tail) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        System.err.println(line);
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      System.err.println("cassandra-cluster output lost: " + e);
    }
  }

  private static String lastLines(Deque<String> tail) {
    synchronized (tail) {
      return tail.isEmpty() ? "" : "; its last output:\n  " + String.join("\n  ", tail);
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/cassandra-cluster.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("scripts/cassandra-cluster.sh not found above the test dir");
    }
    return dir;
  }
}
