package dev.flarekv.server.binding;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the namespace of a binding request. workerd sends no namespace id, so it comes from the
 * {@code X-Flarekv-Namespace} header (added by workerd's {@code injectRequestHeaders}), or else
 * from the {@code --binding-namespace} title, created in the default account on first use.
 */
public final class NamespaceResolver {
  /** The request header that names the namespace id. */
  public static final String HEADER = "X-Flarekv-Namespace";

  private final KvStore store;
  private final String defaultAccount;
  private final String defaultTitle;
  private volatile Namespace cached;

  /**
   * Namespace id to account of every namespace a header named and the store confirmed. Ids are
   * random and never change account, so an entry only goes stale when its namespace is deleted,
   * which the memory-only read notices (it declines for a missing namespace). Bounded: cleared when
   * full.
   */
  private final Map<String, NamespaceRef> known = new ConcurrentHashMap<>();

  static final int MAX_KNOWN = 10_000;

  /**
   * @param defaultTitle the {@code --binding-namespace} title, or null when every request must
   *     carry the header
   */
  public NamespaceResolver(KvStore store, String defaultAccount, String defaultTitle) {
    this.store = store;
    this.defaultAccount = defaultAccount;
    this.defaultTitle = defaultTitle;
  }

  /** The account of the {@code --binding-namespace} namespace. */
  public String defaultAccount() {
    return defaultAccount;
  }

  /** The namespace for a request with this header value (null when absent). */
  public NamespaceRef resolve(String headerValue) {
    if (headerValue != null && !headerValue.isBlank()) {
      String id = headerValue.trim();
      if (!KvValidator.isValidNamespaceId(id)) {
        throw ErrorCode.INVALID_REQUEST.exception(
            HEADER + " must be a namespace id (32 lowercase hex characters)");
      }
      Optional<Namespace> found = store.namespaceById(id);
      if (found.isEmpty()) {
        known.remove(id);
        // Not a 404: workerd reads 404 on get as "key missing" and would hide the mistake.
        throw ErrorCode.INVALID_REQUEST.exception("KV namespace " + id + " not found");
      }
      NamespaceRef ref = found.get().ref();
      if (known.size() >= MAX_KNOWN) {
        known.clear();
      }
      known.put(id, ref);
      return ref;
    }
    if (defaultTitle == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "No KV namespace: send the "
              + HEADER
              + " header (workerd injectRequestHeaders) or start flarekv with --binding-namespace");
    }
    return defaultNamespace().ref();
  }

  /**
   * The namespace {@link #resolve} would give, if known without any store call (safe on an event
   * loop), else null. It may name a namespace deleted since: the caller's store read then declines
   * and {@link #resolve} reports it.
   */
  public NamespaceRef resolveIfKnown(String headerValue) {
    if (headerValue != null && !headerValue.isBlank()) {
      return known.get(headerValue.trim());
    }
    Namespace ns = defaultTitle == null ? null : cached;
    return ns == null ? null : ns.ref();
  }

  private Namespace defaultNamespace() {
    Namespace ns = cached;
    if (ns != null && store.namespace(ns.ref()).isPresent()) {
      return ns;
    }
    synchronized (this) {
      Optional<Namespace> existing =
          store.namespaces(defaultAccount).stream()
              .filter(n -> n.title().equals(defaultTitle))
              .findFirst();
      if (existing.isPresent()) {
        cached = existing.get();
        return cached;
      }
      try {
        cached = store.createNamespace(defaultAccount, defaultTitle);
      } catch (KvException e) {
        if (e.errorCode() != ErrorCode.DUPLICATE_TITLE) {
          throw e;
        }
        cached =
            store.namespaces(defaultAccount).stream()
                .filter(n -> n.title().equals(defaultTitle))
                .findFirst()
                .orElseThrow(() -> e);
      }
      return cached;
    }
  }
}
