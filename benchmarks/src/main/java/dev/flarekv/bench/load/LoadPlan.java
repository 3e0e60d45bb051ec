package dev.flarekv.bench.load;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link LoadRunner} runs: where to, which workload, how many connections and loop threads,
 * for how long, at which rate and with which key space. Build one with {@link #builder}, which
 * names every field it sets and starts from the defaults of the {@code load} command.
 *
 * @param host the host the connections open to
 * @param port the port the connections open to
 * @param workload the workload (only a label when the runner is given its own operations)
 * @param requests the request builder of the surface and namespace
 * @param connections keep-alive connections, one request in flight each
 * @param threads event-loop threads
 * @param warmupNanos unmeasured load before the measured window
 * @param durationNanos the measured window
 * @param rate operations per second of an open loop; 0 for a closed loop
 * @param timeoutNanos per-request timeout
 * @param keys the key space of read/write/session/ratelimit/bulk
 * @param listKeys the namespace size of list
 * @param valueSize bytes per value (large always writes 1 MiB)
 * @param ttl expiration_ttl of writes, in seconds
 */
public record LoadPlan(
    String host,
    int port,
    Workload workload,
    Surface.Requests requests,
    int connections,
    int threads,
    long warmupNanos,
    long durationNanos,
    double rate,
    long timeoutNanos,
    int keys,
    int listKeys,
    int valueSize,
    int ttl) {

  /** Defaults as the {@code load} command's options have them. */
  public static final Workload DEFAULT_WORKLOAD = Workload.READ;

  public static final int DEFAULT_CONNECTIONS = 16;
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_KEYS = 10_000;
  public static final int DEFAULT_LIST_KEYS = 1_000_000;
  public static final int DEFAULT_VALUE_SIZE = 100;
  public static final int DEFAULT_TTL = 3600;

  public LoadPlan {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(requests, "requests");
  }

  /** A builder with the {@code load} command's defaults; the target and requests must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The event-loop threads when none are asked for: half the cores, at least 1 (the server being
   * measured needs the other half), and no more than the connections.
   */
  public static int defaultThreads(int connections) {
    return Math.min(connections, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  /** Builds a {@link LoadPlan}, naming each field it sets. Not thread-safe. */
  public static final class Builder {
    private String host;
    private int port;
    private Workload workload = DEFAULT_WORKLOAD;
    private Surface.Requests requests;
    private int connections = DEFAULT_CONNECTIONS;
    private int threads;
    private Duration warmup = DEFAULT_WARMUP;
    private Duration duration = DEFAULT_DURATION;
    private double rate;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int keys = DEFAULT_KEYS;
    private int listKeys = DEFAULT_LIST_KEYS;
    private int valueSize = DEFAULT_VALUE_SIZE;
    private int ttl = DEFAULT_TTL;

    private Builder() {}

    /** The host and port the connections open to (required). */
    public Builder target(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    public Builder workload(Workload workload) {
      this.workload = workload;
      return this;
    }

    /** The request builder of the surface and namespace (required). */
    public Builder requests(Surface.Requests requests) {
      this.requests = requests;
      return this;
    }

    public Builder connections(int connections) {
      this.connections = connections;
      return this;
    }

    /** Event-loop threads; 0 (the default) = {@link #defaultThreads} of the connections. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder warmup(Duration warmup) {
      this.warmup = warmup;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    /** Operations per second of an open loop; 0 (the default) = closed loop. */
    public Builder rate(double rate) {
      this.rate = rate;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder keys(int keys) {
      this.keys = keys;
      return this;
    }

    public Builder listKeys(int listKeys) {
      this.listKeys = listKeys;
      return this;
    }

    public Builder valueSize(int valueSize) {
      this.valueSize = valueSize;
      return this;
    }

    public Builder ttl(int ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * The plan.
     *
     * @throws NullPointerException when the target or the requests are not set
     */
    public LoadPlan build() {
      return new LoadPlan(
          host,
          port,
          workload,
          requests,
          connections,
          threads > 0 ? threads : defaultThreads(connections),
          warmup.toNanos(),
          duration.toNanos(),
          rate,
          timeout.toNanos(),
          keys,
          listKeys,
          valueSize,
          ttl);
    }
  }
}
