package dev.flarekv.server.pipeline;

import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.auth.Principal;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One request of either surface, parsed: who asks ({@link Origin}), what ({@link Kind}), in which
 * namespace, with which key(s), options and value. The surfaces build it once, after the token, the
 * namespace and every argument have been checked; it then passes the {@link KvPipeline}'s policies
 * to the {@link KvExecutor}. Immutable.
 */
public final class KvOperation {
  /** What the operation does. */
  public enum Kind {
    /** Read one value. */
    GET,
    /** Read one value from memory only, or decline (see {@code KvStore.getIfCached}). */
    GET_CACHED,
    /** Read one value's metadata. */
    GET_METADATA,
    /** Write one value. */
    PUT,
    /** Delete one value. */
    DELETE,
    /** List keys. */
    LIST,
    /** Read many values. */
    BULK_GET,
    /** Write many values. */
    BULK_PUT,
    /** Delete many values. */
    BULK_DELETE,
    /** List an account's namespaces. */
    NAMESPACE_LIST,
    /** Create a namespace. */
    NAMESPACE_CREATE,
    /** Read a namespace. */
    NAMESPACE_GET,
    /** Rename a namespace. */
    NAMESPACE_RENAME,
    /** Delete a namespace and its keys. */
    NAMESPACE_DELETE,
    /** A request that does not reach the store, run as given: the REST API's account routes. */
    CALL,
    /** A request refused while parsing; its failure is its answer. */
    REJECTED
  }

  /** Which listener an operation came in on. */
  public enum Surface {
    /** The Cloudflare REST API v4 ({@code /client/v4}) and the emulator controls. */
    REST,
    /** The workerd binding protocol. */
    BINDING
  }

  /**
   * Who sent the request and how.
   *
   * @param surface the listener it came in on
   * @param route the route template, the metrics tag ({@code unmatched} when there is none)
   * @param method the HTTP method
   * @param startNanos when the request was taken up ({@link System#nanoTime})
   * @param principal the authenticated caller, null when the request was refused before or needs
   *     none (the remote-proxy form's WebSocket probe)
   * @param location the edge location a binding request reads at ({@code X-Flarekv-Location},
   *     {@link #DEFAULT_LOCATION} without one); null on the REST surface, which reads the central
   *     store
   */
  public record Origin(
      Surface surface,
      String route,
      HttpMethod method,
      long startNanos,
      Principal principal,
      String location) {
    /** The location of a binding request that names none. */
    public static final String DEFAULT_LOCATION = "default";

    /** A REST request's origin. */
    public static Origin rest(String route, HttpMethod method, long startNanos, Principal p) {
      return new Origin(Surface.REST, route, method, startNanos, p, null);
    }

    /** The same origin, taken up again at {@code nanos} (a declined read retried blocking). */
    Origin restartedAt(long nanos) {
      return new Origin(surface, route, method, nanos, principal, location);
    }
  }

  /**
   * How a read may be served by an edge cache (docs/kv-semantics.md R2): {@code cache_ttl} of a
   * get, {@code cacheTtl} of a bulk get. Only the eventual-consistency mode reads it.
   *
   * @param cacheTtlSeconds how long an edge location may keep what this read saw
   */
  public record ReadOptions(long cacheTtlSeconds) {
    /** Cloudflare's default {@code cacheTtl}: 60 s. */
    public static final ReadOptions DEFAULT = new ReadOptions(60);

    /** The given {@code cacheTtl} (validated), or {@link #DEFAULT} when absent. */
    public static ReadOptions of(OptionalLong cacheTtlSeconds) {
      return cacheTtlSeconds.isPresent() ? new ReadOptions(cacheTtlSeconds.getAsLong()) : DEFAULT;
    }
  }

  /** The arguments of a {@link Kind#LIST}. */
  public record ListQuery(String prefix, String startAfter, int limit) {}

  /**
   * The arguments of a {@link Kind#BULK_GET}.
   *
   * @param keys the keys, validated, in request order without repeats
   * @param json whether values are parsed as JSON ({@code type: "json"}) rather than text
   * @param withMetadata whether each value comes with its metadata and expiration
   */
  public record BulkRead(Set<String> keys, boolean json, boolean withMetadata) {}

  /**
   * The arguments of a {@link Kind#NAMESPACE_LIST}: one page of the account's namespaces in {@code
   * order}.
   */
  public record NamespaceQuery(
      String accountId, int page, int perPage, Comparator<Namespace> order) {}

  /** The body of a {@link Kind#CALL}. */
  @FunctionalInterface
  public interface Call {
    ApiReply run();
  }

  private final Kind kind;
  private final Origin origin;
  private final NamespaceRef namespace;
  private final Object args;
  private final ReadOptions readOptions;
  private final Map<String, KvEntry> served;

  private KvOperation(Kind kind, Origin origin, NamespaceRef namespace, Object args) {
    this(kind, origin, namespace, args, ReadOptions.DEFAULT, null);
  }

  private KvOperation(
      Kind kind,
      Origin origin,
      NamespaceRef namespace,
      Object args,
      ReadOptions readOptions,
      Map<String, KvEntry> served) {
    this.kind = kind;
    this.origin = origin;
    this.namespace = namespace;
    this.args = args;
    this.readOptions = readOptions;
    this.served = served;
  }

  /**
   * {@link Kind#GET}, {@link Kind#GET_CACHED}, {@link Kind#GET_METADATA} or {@link Kind#DELETE}.
   */
  public static KvOperation ofKey(Kind kind, Origin origin, NamespaceRef ns, String key) {
    return ofKey(kind, origin, ns, key, ReadOptions.DEFAULT);
  }

  /** As {@link #ofKey(Kind, Origin, NamespaceRef, String)}, for a read with its options. */
  public static KvOperation ofKey(
      Kind kind, Origin origin, NamespaceRef ns, String key, ReadOptions options) {
    if (kind != Kind.GET
        && kind != Kind.GET_CACHED
        && kind != Kind.GET_METADATA
        && kind != Kind.DELETE) {
      throw new IllegalArgumentException("not a single-key kind: " + kind);
    }
    return new KvOperation(kind, origin, ns, key, options, null);
  }

  /**
   * The blocking read of a {@link Kind#GET_CACHED} that declined (memory could not answer): the
   * same caller, route and key, now a {@link Kind#GET} taken up at {@code startNanos}, in {@code
   * ns} (the declined read's namespace, or the same one confirmed by the store).
   */
  public KvOperation blockingRead(NamespaceRef ns, long startNanos) {
    if (kind != Kind.GET_CACHED) {
      throw new IllegalStateException("only a memory-only read is retried blocking, not " + kind);
    }
    return new KvOperation(Kind.GET, origin.restartedAt(startNanos), ns, args, readOptions, null);
  }

  public static KvOperation put(Origin origin, NamespaceRef ns, KvEntry entry) {
    return new KvOperation(Kind.PUT, origin, ns, entry);
  }

  public static KvOperation list(Origin origin, NamespaceRef ns, ListQuery query) {
    return new KvOperation(Kind.LIST, origin, ns, query);
  }

  public static KvOperation bulkGet(Origin origin, NamespaceRef ns, BulkRead read) {
    return bulkGet(origin, ns, read, ReadOptions.DEFAULT);
  }

  public static KvOperation bulkGet(
      Origin origin, NamespaceRef ns, BulkRead read, ReadOptions options) {
    return new KvOperation(Kind.BULK_GET, origin, ns, read, options, null);
  }

  /**
   * The same read, answered with values a policy found itself (an edge cache, docs/modes.md)
   * instead of the store's: the executor renders {@code found} (each read key to its entry, absent
   * when missing) as it would the store's answer.
   */
  public KvOperation servedFrom(Map<String, KvEntry> found) {
    if (kind != Kind.GET && kind != Kind.GET_CACHED && kind != Kind.BULK_GET) {
      throw new IllegalStateException("only a read is served by a policy, not " + kind);
    }
    return new KvOperation(kind, origin, namespace, args, readOptions, Map.copyOf(found));
  }

  public static KvOperation bulkPut(Origin origin, NamespaceRef ns, List<KvEntry> entries) {
    return new KvOperation(Kind.BULK_PUT, origin, ns, List.copyOf(entries));
  }

  public static KvOperation bulkDelete(Origin origin, NamespaceRef ns, List<String> keys) {
    return new KvOperation(Kind.BULK_DELETE, origin, ns, List.copyOf(keys));
  }

  public static KvOperation namespaceList(Origin origin, NamespaceQuery query) {
    return new KvOperation(Kind.NAMESPACE_LIST, origin, null, query);
  }

  /**
   * @param title the new namespace's title, validated
   */
  public static KvOperation namespaceCreate(Origin origin, String accountId, String title) {
    return new KvOperation(Kind.NAMESPACE_CREATE, origin, new NamespaceRef(accountId, ""), title);
  }

  /** {@link Kind#NAMESPACE_GET} or {@link Kind#NAMESPACE_DELETE}. */
  public static KvOperation ofNamespace(Kind kind, Origin origin, NamespaceRef ns) {
    if (kind != Kind.NAMESPACE_GET && kind != Kind.NAMESPACE_DELETE) {
      throw new IllegalArgumentException("not a namespace kind: " + kind);
    }
    return new KvOperation(kind, origin, ns, null);
  }

  /**
   * @param title the new title, validated
   */
  public static KvOperation namespaceRename(Origin origin, NamespaceRef ns, String title) {
    return new KvOperation(Kind.NAMESPACE_RENAME, origin, ns, title);
  }

  public static KvOperation call(Origin origin, Call call) {
    return new KvOperation(Kind.CALL, origin, null, call);
  }

  public static KvOperation rejected(Origin origin, Throwable failure) {
    return new KvOperation(Kind.REJECTED, origin, null, failure);
  }

  public Kind kind() {
    return kind;
  }

  public Origin origin() {
    return origin;
  }

  /**
   * The namespace: for {@link Kind#NAMESPACE_CREATE} only its account (the id is empty); null for
   * {@link Kind#NAMESPACE_LIST}, {@link Kind#CALL} and {@link Kind#REJECTED}.
   */
  public NamespaceRef namespace() {
    return namespace;
  }

  /** The key of a single-key kind. */
  public String key() {
    return kind == Kind.PUT
        ? entry().key()
        : (String) args(Kind.GET, Kind.GET_CACHED, Kind.GET_METADATA, Kind.DELETE);
  }

  /** The entry of a {@link Kind#PUT}. */
  public KvEntry entry() {
    return (KvEntry) args(Kind.PUT);
  }

  /** The options of a read ({@link ReadOptions#DEFAULT} for other kinds). */
  public ReadOptions readOptions() {
    return readOptions;
  }

  /** What a policy served this read with ({@link #servedFrom}), or null to read the store. */
  public Map<String, KvEntry> served() {
    return served;
  }

  /** The query of a {@link Kind#LIST}. */
  public ListQuery listQuery() {
    return (ListQuery) args(Kind.LIST);
  }

  /** The arguments of a {@link Kind#BULK_GET}. */
  public BulkRead bulkRead() {
    return (BulkRead) args(Kind.BULK_GET);
  }

  /** The entries of a {@link Kind#BULK_PUT}. */
  @SuppressWarnings("unchecked")
  public List<KvEntry> entries() {
    return (List<KvEntry>) args(Kind.BULK_PUT);
  }

  /** The keys of a {@link Kind#BULK_DELETE}. */
  @SuppressWarnings("unchecked")
  public List<String> keys() {
    return (List<String>) args(Kind.BULK_DELETE);
  }

  /** The title of a {@link Kind#NAMESPACE_CREATE} or {@link Kind#NAMESPACE_RENAME}. */
  public String title() {
    return (String) args(Kind.NAMESPACE_CREATE, Kind.NAMESPACE_RENAME);
  }

  /** The query of a {@link Kind#NAMESPACE_LIST}. */
  public NamespaceQuery namespaceQuery() {
    return (NamespaceQuery) args(Kind.NAMESPACE_LIST);
  }

  /** The body of a {@link Kind#CALL}. */
  public Call call() {
    return (Call) args(Kind.CALL);
  }

  /** Why a {@link Kind#REJECTED} was refused. */
  public Throwable failure() {
    return (Throwable) args(Kind.REJECTED);
  }

  private Object args(Kind... kinds) {
    for (Kind k : kinds) {
      if (k == kind) {
        return args;
      }
    }
    throw new IllegalStateException(kind + " has no such argument");
  }

  @Override
  public String toString() {
    return kind + " " + origin.route() + (namespace == null ? "" : " in " + namespace);
  }
}
