package dev.flarekv.protocol.model;

import java.util.Objects;

/**
 * Names a namespace as a request does: the account from the path and the namespace id. Key
 * operations through a reference whose namespace does not exist in that account fail with {@code
 * NAMESPACE_NOT_FOUND}.
 */
public record NamespaceRef(String accountId, String namespaceId) {
  public NamespaceRef {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(namespaceId, "namespaceId");
  }
}
