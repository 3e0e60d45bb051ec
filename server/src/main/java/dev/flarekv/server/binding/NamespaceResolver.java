package dev.flarekv.server.binding;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import java.util.Optional;

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
      return store
          .namespaceById(id)
          .map(Namespace::ref)
          // Not a 404: workerd reads 404 on get as "key missing" and would hide the mistake.
          .orElseThrow(
              () -> ErrorCode.INVALID_REQUEST.exception("KV namespace " + id + " not found"));
    }
    if (defaultTitle == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "No KV namespace: send the "
              + HEADER
              + " header (workerd injectRequestHeaders) or start flarekv with --binding-namespace");
    }
    return defaultNamespace().ref();
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
