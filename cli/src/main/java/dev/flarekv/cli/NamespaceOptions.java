package dev.flarekv.cli;

import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How a key or bulk command names its namespace: exactly one of {@code --namespace-id} and {@code
 * --binding}, the latter resolved through the wrangler config's {@code kv_namespaces} (with {@code
 * --preview} choosing {@code preview_id}), exactly as wrangler resolves them (docs/kv-semantics.md
 * CLI1).
 */
final class NamespaceOptions {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Selector selector;

  @Option(
      names = "--preview",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description = "Use the binding's preview_id (--preview false: its id).")
  Boolean preview;

  /** The two exclusive selectors. */
  static final class Selector {
    @Option(
        names = "--namespace-id",
        paramLabel = "<id>",
        required = true,
        description = "The id of the namespace.")
    String namespaceId;

    @Option(
        names = "--binding",
        paramLabel = "<name>",
        required = true,
        description = "The binding name of the namespace in the wrangler config (kv_namespaces).")
    String binding;
  }

  /**
   * A resolved namespace.
   *
   * @param id the namespace id
   * @param displayName how wrangler names it in messages, e.g. {@code id: "..."}
   */
  record Target(String id, String displayName) {}

  /**
   * Resolves the namespace.
   *
   * @param previewDefaultsFalse true for the read commands (key get, key list, bulk get), where
   *     wrangler treats a missing {@code --preview} as {@code --preview false}
   */
  Target resolve(Optional<WranglerConfig> config, boolean previewDefaultsFalse) {
    if (selector.namespaceId != null) {
      return new Target(selector.namespaceId, "id: \"" + selector.namespaceId + "\"");
    }
    Boolean p = preview == null && previewDefaultsFalse ? Boolean.FALSE : preview;
    return byBinding(selector.binding, p, config);
  }

  /** wrangler's {@code getKVNamespaceId} for a binding, with its messages. */
  static Target byBinding(String binding, Boolean preview, Optional<WranglerConfig> maybeConfig) {
    WranglerConfig config =
        maybeConfig.orElseThrow(
            () -> new UserError("--binding specified, but no config file was found."));
    if (config.kvNamespaces().isEmpty()) {
      throw new UserError(
          "No KV Namespaces configured! Either use --namespace-id to upload directly or add a KV"
              + " namespace to your wrangler config file.");
    }
    WranglerConfig.KvBinding ns =
        config.kvNamespaces().stream()
            .filter(b -> binding.equals(b.binding()))
            .findFirst()
            .orElseThrow(
                () ->
                    new UserError(
                        "A namespace with binding name \""
                            + binding
                            + "\" was not found in the configured \"kv_namespaces\"."));
    if (Boolean.TRUE.equals(preview)) {
      if (ns.previewId() == null) {
        throw new UserError(
            "No preview ID found for "
                + binding
                + ". Add one to your wrangler config file to use a separate namespace for"
                + " previewing your worker.");
      }
      return target(binding, ns.previewId());
    }
    if (preview != null) {
      if (ns.id() == null) {
        throw new UserError(
            "No namespace ID found for "
                + binding
                + ". Add one to your wrangler config file or pass it via `--namespace-id`.");
      }
      return target(binding, ns.id());
    }
    if (ns.id() != null && ns.previewId() != null) {
      throw new UserError(
          binding
              + " has both a namespace ID and a preview ID. Specify \"--preview\" or \"--preview"
              + " false\" to avoid writing data to the wrong namespace.");
    }
    if (ns.id() == null && ns.previewId() == null) {
      throw new UserError(
          "No namespace ID found for "
              + binding
              + ". Add one to your wrangler config file or pass it via `--namespace-id`.");
    }
    return target(binding, ns.id() != null ? ns.id() : ns.previewId());
  }

  private static Target target(String binding, String id) {
    return new Target(id, "binding: \"" + binding + "\" (id: \"" + id + "\")");
  }
}
