package dev.flarekv.protocol.model;

import java.util.Objects;

/**
 * A KV namespace, owned by one account.
 *
 * @param id 32 lowercase hex characters
 * @param accountId the owning account
 * @param title unique within the account
 */
public record Namespace(String id, String accountId, String title) {
  public Namespace {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(title, "title");
  }

  /** The reference used by key operations. */
  public NamespaceRef ref() {
    return new NamespaceRef(accountId, id);
  }
}
