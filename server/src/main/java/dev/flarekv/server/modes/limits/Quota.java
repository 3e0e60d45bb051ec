package dev.flarekv.server.modes.limits;

import java.util.Locale;

/**
 * One of the Free plan's daily quotas per account, or its storage limit (docs/modes.md,
 * "Cloudflare's limits and quotas"; docs/kv-semantics.md Q2).
 */
public enum Quota {
  /** Keys read: a get, a metadata read, each key of a bulk get. */
  READS("get"),
  /** Keys written: a put, each pair of a bulk write. */
  WRITES("put"),
  /** Keys deleted: a delete, each key of a bulk delete. */
  DELETES("delete"),
  /** List requests. */
  LISTS("list"),
  /** Bytes stored by the account (keys, values and metadata); not daily. */
  STORED_BYTES("put");

  private final String bindingMethod;

  Quota(String bindingMethod) {
    this.bindingMethod = bindingMethod;
  }

  /** The name in {@code /flarekv/v1/usage} and the metrics' {@code quota} tag. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the count starts again at 00:00 UTC. */
  public boolean daily() {
    return this != STORED_BYTES;
  }

  /**
   * What a Worker is told on Cloudflare once this daily quota is spent: {@code KV put() limit
   * exceeded for the day.} (the runtime's words, seen in Workers' logs).
   */
  String bindingMessage() {
    return "KV " + bindingMethod + "() limit exceeded for the day.";
  }
}
