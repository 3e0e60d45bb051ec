package dev.flarekv.server;

import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.admin.AdminDispatcher;
import dev.flarekv.server.admin.AdminFile;
import dev.flarekv.server.api.AccountEndpoint;
import dev.flarekv.server.api.BulkEndpoint;
import dev.flarekv.server.api.RestApi;
import dev.flarekv.server.api.ValuesEndpoint;
import dev.flarekv.server.auth.TokenAuthenticator;
import dev.flarekv.server.binding.BindingDispatcher;
import dev.flarekv.server.binding.NamespaceResolver;
import dev.flarekv.server.control.ControlApi;
import dev.flarekv.server.http.BodyBudget;
import dev.flarekv.server.http.ConnectionTracker;
import dev.flarekv.server.http.Dispatcher;
import dev.flarekv.server.http.KvServerInitializer;
import dev.flarekv.server.http.RestDispatcher;
import dev.flarekv.server.modes.Realism;
import dev.flarekv.server.modes.clock.ServerClock;
import dev.flarekv.server.pipeline.KvExecutor;
import dev.flarekv.server.state.StateControl;
import dev.flarekv.server.state.seed.SeedFiles;
import dev.flarekv.server.state.seed.SeedNamespace;
import dev.flarekv.server.state.seed.Seeder;
import dev.flarekv.server.watch.ChangeFeed;
import dev.flarekv.server.watch.WatchedKvStore;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.StoreConfig;
import dev.flarekv.storage.cassandra.CassandraKvStores;
import dev.flarekv.storage.clock.EmulatedClock;
import dev.flarekv.storage.clock.KvClock;
import dev.flarekv.storage.expiry.ExpirySweeper;
import dev.flarekv.storage.metrics.MeteredKvStore;
import dev.flarekv.storage.rocks.RocksKvStores;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flarekv server: the RocksDB store, the expiry sweeper, the storage executor and the Netty
 * listener, started together and stopped in reverse order.
 */
public final class KvServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvServer.class);

  /** Request bodies held in memory at once, over all connections. */
  private final BodyBudget bodyBudget;

  /**
   * Deletions per sweep round. Short rounds keep each burst of sweeper CPU under a millisecond, so
   * a read that lands behind one waits little (benchmarks/results: 500 per round gave 6.4x the
   * baseline read p99 during a 1M-key sweep, 100 gave 3.3x, 25 was slower and no better; with the
   * sweeper's thread at idle CPU priority, 100 gives about 1.7x, the median of five runs). Override
   * with {@code -Dflarekv.sweep.round}; {@code -Dflarekv.sweep.busy-share} sets the busy share
   * (default {@link ExpirySweeper#DEFAULT_BUSY_SHARE}) and {@code
   * -Dflarekv.sweep.idle-priority=false} keeps the sweeper's thread at normal priority.
   */
  private static final int SWEEP_BATCH = 100;

  /** How long {@link #close()} lets in-flight requests finish. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final ServerConfig config;
  private final EmulatedClock clock;
  private final KvStore store;
  private final ChangeFeed changeFeed;
  private final ExpirySweeper sweeper;
  private final ThreadPoolExecutor storageExecutor;
  private final Transport transport;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final PrometheusMeterRegistry registry;
  private final Channel channel;
  private final Channel bindingChannel;
  private final ConnectionTracker connections = new ConnectionTracker();
  private final Channel adminChannel;
  private final AdminFile adminFile;
  private volatile boolean ready;
  private boolean closed; // guarded by this

  private KvServer(ServerConfig config, KvClock baseClock) throws InterruptedException {
    this.config = config;
    EmulatedClock clock =
        ServerClock.emulate(config.modes().clock(), config.cassandra() != null, baseClock);
    this.clock = clock;
    this.bodyBudget =
        config.bodyBudgetBytes() > 0
            ? new BodyBudget(config.bodyBudgetBytes())
            : BodyBudget.forHeap();
    TokenAuthenticator auth =
        new TokenAuthenticator(config.apiTokens(), config.scopedTokens(), config.metricsTokens());
    Realism.check(config.modes()); // a bad --faults file refuses the start before the store opens
    List<SeedNamespace> seeds = readSeeds(config, clock); // so does a bad --seed file
    InetAddress bindAddress = resolve(config.host());
    if (auth.isOpen() && !bindAddress.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "refusing to bind to non-loopback address "
              + config.host()
              + " without an API token: pass --api-token or set FLAREKV_API_TOKEN");
    }
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    Gauge.builder("flarekv.request.body.budget.used", bodyBudget, BodyBudget::used)
        .description("Request-body bytes held in memory now, weighted by what parsing them costs")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("flarekv.request.body.budget.capacity", bodyBudget, BodyBudget::capacity)
        .description("The most weighted request-body bytes held at once before requests get 503")
        .baseUnit("bytes")
        .register(registry);
    KvStore opened =
        config.cassandra() != null
            ? CassandraKvStores.open(config.cassandra(), clock, registry)
            : RocksKvStores.open(
                config.dataDir(),
                new StoreConfig(config.syncWrites(), StoreConfig.DEFAULT_BLOCK_CACHE_BYTES),
                clock);
    this.changeFeed = new ChangeFeed(clock);
    Gauge.builder("flarekv.watch.watchers", changeFeed, ChangeFeed::watchers)
        .description("Change feed streams open now (GET /flarekv/v1/namespaces/{id}/watch)")
        .register(registry);
    this.store = new WatchedKvStore(new MeteredKvStore(opened, registry), changeFeed, clock);
    applySeeds(seeds, config, clock);
    this.sweeper =
        new ExpirySweeper(
            store,
            config.sweepInterval(),
            Integer.getInteger("flarekv.sweep.round", SWEEP_BATCH),
            Double.parseDouble(
                System.getProperty(
                    "flarekv.sweep.busy-share", String.valueOf(ExpirySweeper.DEFAULT_BUSY_SHARE))),
            Boolean.parseBoolean(System.getProperty("flarekv.sweep.idle-priority", "true")));
    // a clock jump expires pairs at once: sweep them without waiting for the next interval
    clock.onChange(sweeper::sweepSoon);
    this.storageExecutor = storageExecutor(config.storageThreads());
    KvExecutor executor = new KvExecutor(store);
    RestApi api =
        new RestApi(
            new ValuesEndpoint(clock),
            new BulkEndpoint(clock),
            new AccountEndpoint(config.accountId(), auth));
    Realism realism = Realism.of(config.modes(), clock, store, registry);
    RestDispatcher dispatcher =
        new RestDispatcher(
            api,
            new ControlApi(
                Stream.concat(
                        realism.controls().stream(),
                        Stream.of(new StateControl(store, clock, config.accountId(), seeds)))
                    .toList()),
            executor,
            realism.policies(),
            auth,
            registry,
            () -> ready,
            store::degradedReason);
    BindingDispatcher binding =
        new BindingDispatcher(
            store,
            clock,
            executor,
            realism.policies(),
            auth,
            new NamespaceResolver(store, config.accountId(), config.bindingNamespace()),
            registry);
    this.transport = Transport.select(System.getProperty(Transport.PROPERTY, "auto"));
    this.bossGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    this.workerGroup = new MultiThreadIoEventLoopGroup(transport.ioHandlerFactory());
    Channel rest = null;
    Channel bindingListener;
    try {
      rest = bind(dispatcher, new InetSocketAddress(bindAddress, config.port()));
      int bindingPort = config.bindingPort();
      bindingListener =
          bindingPort == 0
              ? null
              : bind(
                  binding,
                  new InetSocketAddress(
                      bindAddress, bindingPort == ServerConfig.EPHEMERAL_PORT ? 0 : bindingPort));
    } catch (RuntimeException | InterruptedException e) {
      if (rest != null) {
        rest.close().awaitUninterruptibly();
      }
      shutdownQuietly();
      throw e;
    }
    this.channel = rest;
    this.bindingChannel = bindingListener;
    String secret = AdminFile.newSecret();
    // online backups are RocksDB checkpoints; a Cassandra store is backed up with Cassandra's tools
    this.adminChannel = config.cassandra() == null ? bindAdmin(secret) : null;
    this.adminFile = adminChannel == null ? null : writeAdminFile(secret);
    sweeper.start();
    if (auth.isOpen()) {
      log.warn("no API token configured: the REST API is open to anyone on this machine");
    }
    ready = true;
  }

  /** The {@code --seed} files, read and checked before anything opens. */
  private static List<SeedNamespace> readSeeds(ServerConfig config, KvClock clock) {
    try {
      return SeedFiles.load(config.seeds(), clock.millis());
    } catch (KvException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Applies the seeds before the listeners open, so the first request sees them. */
  private void applySeeds(List<SeedNamespace> seeds, ServerConfig config, KvClock clock) {
    if (seeds.isEmpty()) {
      return;
    }
    try {
      new Seeder(store, config.accountId()).apply(seeds, clock.millis(), account -> true);
    } catch (RuntimeException e) {
      store.close();
      throw e instanceof KvException ? new IllegalArgumentException(e.getMessage(), e) : e;
    }
  }

  /** Opens the store and binds the listener; returns once the server accepts requests. */
  public static KvServer start(ServerConfig config) throws InterruptedException {
    return start(config, KvClock.system());
  }

  /**
   * As {@link #start(ServerConfig)} with the given base clock: every time decision of this server
   * and its store (expiry, TTLs, sweeps, windows) reads one {@link EmulatedClock} over it, which
   * {@code --clock} and {@code /flarekv/v1/clock} steer (tests pass a settable base).
   */
  public static KvServer start(ServerConfig config, KvClock clock) throws InterruptedException {
    return new KvServer(config, clock);
  }

  /** The socket transport in use: {@code epoll} or {@code nio}. */
  public String transport() {
    return transport.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The server's one clock: emulated time over the base clock it was started with. */
  public EmulatedClock clock() {
    return clock;
  }

  /** The bound REST port (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  private Channel bind(Dispatcher dispatcher, InetSocketAddress address)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new KvServerInitializer(
                dispatcher,
                storageExecutor,
                bodyBudget,
                config.idleTimeout(),
                config.requestReadTimeout(),
                connections))
        .bind(address)
        .sync()
        .channel();
  }

  /**
   * The admin listener ({@code flarekv backup}): always on an ephemeral loopback port, whatever
   * {@code --host} is, so it is never reachable from another machine. A failure only disables
   * online backups.
   */
  private Channel bindAdmin(String secret) {
    try {
      return bind(
          new AdminDispatcher(store, secret),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (RuntimeException e) {
      log.warn("admin listener not started; online backups are unavailable: {}", e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private AdminFile writeAdminFile(String secret) {
    InetSocketAddress address = (InetSocketAddress) adminChannel.localAddress();
    AdminFile file =
        new AdminFile(
            address.getAddress().getHostAddress(),
            address.getPort(),
            secret,
            ProcessHandle.current().pid());
    try {
      file.write(config.dataDir());
      return file;
    } catch (IOException e) {
      log.warn(
          "cannot write {}; online backups are unavailable: {}",
          AdminFile.in(config.dataDir()),
          e.toString());
      return null;
    }
  }

  /** Where the data lives, for log lines: the RocksDB dir or the Cassandra keyspace. */
  public static String storeDescription(ServerConfig config) {
    return config.cassandra() == null
        ? config.dataDir().toAbsolutePath().toString()
        : "cassandra keyspace "
            + config.cassandra().keyspace()
            + " at "
            + config.cassandra().contactPoints().stream()
                .map(p -> p.getHostString() + ":" + p.getPort())
                .collect(java.util.stream.Collectors.joining(","));
  }

  /** The admin listener's port, or -1 when it is not running. */
  public int adminPort() {
    return adminChannel == null ? -1 : ((InetSocketAddress) adminChannel.localAddress()).getPort();
  }

  /** The bound binding-listener port, or -1 when it is disabled. */
  public int bindingPort() {
    return bindingChannel == null
        ? -1
        : ((InetSocketAddress) bindingChannel.localAddress()).getPort();
  }

  /** The base URL to give wrangler as {@code CLOUDFLARE_API_BASE_URL}. */
  public String apiBaseUrl() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "http://" + host + ":" + port() + RestApi.PREFIX;
  }

  /** The server-wide budget of request-body bytes held in memory (tests and embedding). */
  public BodyBudget bodyBudget() {
    return bodyBudget;
  }

  /** The change feed (docs/state.md, "Change feed"). */
  public ChangeFeed changeFeed() {
    return changeFeed;
  }

  /** The store behind the server (tests and embedding). */
  public KvStore store() {
    return store;
  }

  /** The metrics registry. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_DRAIN_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_DRAIN_TIMEOUT);
  }

  /**
   * Graceful shutdown: stops accepting connections, closes idle ones, lets in-flight requests
   * finish for up to {@code drainTimeout} (their responses close their connections), closes what is
   * left, stops the sweeper and the storage executor, then closes RocksDB, which flushes the
   * memtables and syncs the WAL so the next start replays nothing.
   */
  public synchronized void close(Duration drainTimeout) {
    if (closed) {
      return;
    }
    closed = true;
    ready = false;
    channel.close().awaitUninterruptibly();
    if (bindingChannel != null) {
      bindingChannel.close().awaitUninterruptibly();
    }
    connections.startDraining();
    int running = connections.inFlight();
    if (running > 0) {
      log.info("shutting down: waiting up to {} for {} in-flight requests", drainTimeout, running);
    }
    try {
      if (!connections.awaitDrained(drainTimeout)) {
        log.warn(
            "{} requests still running after {}; closing their connections",
            connections.inFlight(),
            drainTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connections.closeAll();
    if (adminChannel != null) {
      adminChannel.close().awaitUninterruptibly();
    }
    if (adminFile != null) {
      adminFile.deleteIfOurs(config.dataDir());
    }
    shutdownQuietly();
    log.info("stopped; store {} closed", storeDescription(config));
  }

  private void shutdownQuietly() {
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    sweeper.close();
    storageExecutor.shutdown();
    try {
      if (!storageExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("storage work still running after 10 s; closing anyway");
        storageExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    bossGroup.terminationFuture().awaitUninterruptibly();
    store.close();
    registry.close();
  }

  private static ThreadPoolExecutor storageExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4096),
            r -> {
              Thread t = new Thread(r, "flarekv-storage-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    return executor;
  }

  private static InetAddress resolve(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve host " + host, e);
    }
  }
}
