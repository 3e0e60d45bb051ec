package dev.flarekv.server.binding;

import dev.flarekv.protocol.codec.StrictUtf8;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.storage.KvStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Finds the namespace of a binding request. workerd sends no namespace id, so it comes from one of
 * two headers (added by workerd's {@code injectRequestHeaders} or a Miniflare plugin): {@code
 * X-Flarekv-Namespace} names an existing id, {@code X-Flarekv-Namespace-Title} a title in the
 * default account, created on first use. Without either, the {@code --binding-namespace} title is
 * used the same way.
 */
public final class NamespaceResolver {
  /** The request header that names the namespace id. */
  public static final String HEADER = "X-Flarekv-Namespace";

  /** The request header that names the namespace title in the default account. */
  public static final String TITLE_HEADER = "X-Flarekv-Namespace-Title";

  private final KvStore store;
  private final String defaultAccount;
  private final String defaultTitle;

  /**
   * Namespace id to account of every namespace a header named and the store confirmed. Ids are
   * random and never change account, so an entry only goes stale when its namespace is deleted,
   * which the memory-only read notices (it declines for a missing namespace). Bounded: cleared when
   * full.
   */
  private final Map<String, NamespaceRef> known = new ConcurrentHashMap<>();

  /**
   * Title to namespace in the default account, for every title resolved (the {@code
   * --binding-namespace} one included). Re-checked against the store on every blocking resolve, so
   * a deleted or renamed namespace is found again or created anew. Bounded: cleared when full.
   */
  private final Map<String, NamespaceRef> titles = new ConcurrentHashMap<>();

  static final int MAX_KNOWN = 10_000;

  /**
   * @param defaultTitle the {@code --binding-namespace} title, or null when every request must
   *     carry a header
   */
  public NamespaceResolver(KvStore store, String defaultAccount, String defaultTitle) {
    this.store = store;
    this.defaultAccount = defaultAccount;
    this.defaultTitle = defaultTitle;
  }

  /**
   * The namespace for a request with these header values (each null when absent), if the caller may
   * reach its account. A title names a namespace of the default account: the caller's access to
   * that account is checked before the namespace is looked up, so a scoped token never creates one
   * in another account.
   *
   * @param id the {@code X-Flarekv-Namespace} value, or null
   * @param title the {@code X-Flarekv-Namespace-Title} value, or null
   * @param mayAccess whether the caller may reach an account
   * @throws KvException INVALID_REQUEST for both headers, a bad id or title, a missing id or no
   *     namespace named at all; FORBIDDEN for an account the caller may not reach
   */
  public NamespaceRef resolve(String id, String title, Predicate<String> mayAccess) {
    if (present(id) && title != null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Send either "
              + HEADER
              + " (a namespace id) or "
              + TITLE_HEADER
              + " (a title), not both");
    }
    NamespaceRef ns;
    if (present(id)) {
      ns = resolveId(id.trim());
    } else if (!mayAccess.test(defaultAccount)) {
      throw forbidden();
    } else {
      ns = resolveTitle(title);
    }
    if (!mayAccess.test(ns.accountId())) {
      throw forbidden();
    }
    return ns;
  }

  private NamespaceRef resolveTitle(String title) {
    if (title != null) {
      return resolveTitled(validTitle(title));
    }
    if (defaultTitle == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "No KV namespace: send the "
              + HEADER
              + " or "
              + TITLE_HEADER
              + " header (workerd injectRequestHeaders) or start flarekv with --binding-namespace");
    }
    return resolveTitled(defaultTitle);
  }

  private static KvException forbidden() {
    return ErrorCode.FORBIDDEN.exception(
        "Forbidden: this token may not access the KV namespace's account");
  }

  /**
   * The namespace {@link #resolve} would give, if known without any store call (safe on an event
   * loop), else null. It may name a namespace deleted since: the caller's store read then declines
   * and {@link #resolve} reports it.
   */
  public NamespaceRef resolveIfKnown(String id, String title) {
    if (present(id)) {
      return title == null ? known.get(id.trim()) : null;
    }
    if (title != null) {
      return titles.get(BindingDispatcher.utf8(title));
    }
    return defaultTitle == null ? null : titles.get(defaultTitle);
  }

  private NamespaceRef resolveId(String id) {
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
    remember(known, id, ref);
    return ref;
  }

  /**
   * The default account's namespace with this title, created when there is none. Creation is
   * serialized, so two first requests at once create one namespace.
   */
  private NamespaceRef resolveTitled(String title) {
    NamespaceRef cached = titles.get(title);
    if (cached != null && stillTitled(cached, title)) {
      return cached;
    }
    synchronized (this) {
      cached = titles.get(title);
      if (cached != null && stillTitled(cached, title)) {
        return cached;
      }
      titles.remove(title);
      NamespaceRef ref = findOrCreate(title);
      remember(titles, title, ref);
      return ref;
    }
  }

  private boolean stillTitled(NamespaceRef ref, String title) {
    return store.namespace(ref).map(ns -> ns.title().equals(title)).orElse(false);
  }

  private NamespaceRef findOrCreate(String title) {
    Optional<Namespace> existing = find(title);
    if (existing.isPresent()) {
      return existing.get().ref();
    }
    try {
      return store.createNamespace(defaultAccount, title).ref();
    } catch (KvException e) {
      if (e.errorCode() != ErrorCode.DUPLICATE_TITLE) {
        throw e;
      }
      // created meanwhile by another process sharing the store
      return find(title).orElseThrow(() -> e).ref();
    }
  }

  private Optional<Namespace> find(String title) {
    return store.namespaces(defaultAccount).stream()
        .filter(n -> n.title().equals(title))
        .findFirst();
  }

  /**
   * The header's title as the REST API would take it in a JSON body: the header's bytes decoded as
   * UTF-8 (strictly), then {@link KvValidator#namespaceTitle}. Errors name the header.
   */
  private static String validTitle(String header) {
    String title =
        StrictUtf8.decode(ByteBuffer.wrap(header.getBytes(StandardCharsets.ISO_8859_1)))
            .orElseThrow(
                () -> ErrorCode.INVALID_REQUEST.exception(TITLE_HEADER + ": must be valid UTF-8"));
    try {
      return KvValidator.namespaceTitle(title);
    } catch (KvException e) {
      throw e.errorCode().exception(TITLE_HEADER + ": " + e.getMessage());
    }
  }

  private static void remember(Map<String, NamespaceRef> cache, String key, NamespaceRef ref) {
    if (cache.size() >= MAX_KNOWN) {
      cache.clear();
    }
    cache.put(key, ref);
  }

  private static boolean present(String header) {
    return header != null && !header.isBlank();
  }
}
