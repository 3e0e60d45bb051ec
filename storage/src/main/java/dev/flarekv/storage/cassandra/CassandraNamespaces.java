package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvLimits;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The namespace catalog in Cassandra: {@code namespaces} by id, {@code namespace_titles} by account
 * (title uniqueness through a lightweight transaction). Key operations check their namespace
 * through a short-lived cache (docs/cassandra.md, "Namespaces").
 */
final class CassandraNamespaces {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  /** A namespace and the number of list buckets its keys are spread over. */
  record Space(Namespace namespace, int buckets) {
    String id() {
      return namespace.id();
    }
  }

  private record Cached(Space space, long loadedNanos) {}

  private final CqlSession session;
  private final Cql cql;
  private final int newBuckets;
  private final long cacheTtlNanos;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** Namespaces deleted through this front end; ids are never reused. */
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();

  /** Serializes this front end's create/rename/delete (the 1000 per account count). */
  private final Object catalogLock = new Object();

  CassandraNamespaces(CqlSession session, Cql cql, CassandraConfig config) {
    this.session = session;
    this.cql = cql;
    this.newBuckets = config.listBuckets();
    this.cacheTtlNanos = config.namespaceCacheTtl().toNanos();
  }

  static KvException notFound(String op) {
    return ErrorCode.NAMESPACE_NOT_FOUND.exception(op + ": 'namespace not found'");
  }

  /** The namespace of a key operation, or NAMESPACE_NOT_FOUND. */
  Space require(NamespaceRef ref, String op) {
    String id = ref.namespaceId();
    if (!ID.matcher(id).matches() || deleted.contains(id)) {
      throw notFound(op);
    }
    Cached cached = cache.get(id);
    Space space;
    if (cached != null && System.nanoTime() - cached.loadedNanos() < cacheTtlNanos) {
      space = cached.space();
    } else {
      space = load(id);
      if (space == null) {
        cache.remove(id);
        throw notFound(op);
      }
      cache.put(id, new Cached(space, System.nanoTime()));
      if (deleted.contains(id)) { // deleted while we were loading
        cache.remove(id);
        throw notFound(op);
      }
    }
    if (!space.namespace().accountId().equals(ref.accountId())) {
      throw notFound(op);
    }
    return space;
  }

  /** Reads the namespace (no cache). */
  Space load(String id) {
    if (!ID.matcher(id).matches()) {
      return null;
    }
    Row row = session.execute(cql.selectNamespace.bind(id)).one();
    if (row == null) {
      return null;
    }
    return new Space(
        new Namespace(id, row.getString("account"), row.getString("title")), row.getInt("buckets"));
  }

  Namespace find(NamespaceRef ref) {
    Space space = load(ref.namespaceId());
    return space != null && space.namespace().accountId().equals(ref.accountId())
        ? space.namespace()
        : null;
  }

  List<Namespace> list(String accountId) {
    List<Namespace> out = new ArrayList<>();
    for (Row row : session.execute(cql.selectTitles.bind(accountId))) {
      out.add(new Namespace(row.getString("id"), accountId, row.getString("title")));
    }
    return out;
  }

  Namespace create(String accountId, String title) {
    synchronized (catalogLock) {
      Row count = session.execute(cql.countTitles.bind(accountId)).one();
      if (count != null && count.getLong(0) >= KvLimits.MAX_NAMESPACES) {
        throw ErrorCode.TOO_MANY_NAMESPACES.exception();
      }
      byte[] raw = new byte[16];
      random.nextBytes(raw);
      String id = HexFormat.of().formatHex(raw);
      ResultSet claimed =
          session.execute(cql.claimTitle.bind(accountId, title, id).setIdempotent(false));
      if (!claimed.wasApplied()) {
        throw ErrorCode.DUPLICATE_TITLE.exception();
      }
      session.execute(cql.insertNamespace.bind(id, accountId, title, newBuckets));
      return new Namespace(id, accountId, title);
    }
  }

  Namespace rename(NamespaceRef ref, String title) {
    synchronized (catalogLock) {
      Space space = load(ref.namespaceId());
      if (space == null || !space.namespace().accountId().equals(ref.accountId())) {
        throw notFound("rename namespace");
      }
      Namespace old = space.namespace();
      if (old.title().equals(title)) {
        return old;
      }
      if (!session
          .execute(cql.claimTitle.bind(ref.accountId(), title, old.id()).setIdempotent(false))
          .wasApplied()) {
        throw ErrorCode.DUPLICATE_TITLE.exception();
      }
      session.execute(cql.updateNamespaceTitle.bind(title, old.id()));
      session.execute(cql.releaseTitle.bind(ref.accountId(), old.title(), old.id()));
      Namespace renamed = new Namespace(old.id(), old.accountId(), title);
      cache.remove(old.id());
      return renamed;
    }
  }

  /**
   * Removes the namespace from the catalog and returns it (the caller then deletes its data). From
   * here on, key operations through this front end fail with NAMESPACE_NOT_FOUND.
   */
  Space remove(NamespaceRef ref) {
    synchronized (catalogLock) {
      Space space = load(ref.namespaceId());
      if (space == null || !space.namespace().accountId().equals(ref.accountId())) {
        throw notFound("delete namespace");
      }
      deleted.add(space.id());
      cache.remove(space.id());
      Namespace ns = space.namespace();
      session.execute(cql.releaseTitle.bind(ns.accountId(), ns.title(), ns.id()));
      session.execute(cql.deleteNamespaceRow.bind(ns.id()));
      return space;
    }
  }
}
