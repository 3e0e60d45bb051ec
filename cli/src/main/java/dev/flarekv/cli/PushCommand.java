package dev.flarekv.cli;

import dev.flarekv.protocol.client.KvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flarekv kv push}: copies a namespace of the flarekv server the usual connection flags name
 * to any Cloudflare API v4 endpoint (Cloudflare itself, or another flarekv).
 */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a namespace of this flarekv server to a Cloudflare API v4 endpoint (e.g."
          + " https://api.cloudflare.com/client/v4): values (binary as base64), metadata and"
          + " expiration; keys expiring within 60 s are skipped. Retries 429 and 5xx; --resume"
          + " continues an interrupted push."
    })
final class PushCommand extends CopyCommand {
  @Option(
      names = "--to-url",
      required = true,
      paramLabel = "<url>",
      description = "The API to write to, e.g. https://api.cloudflare.com/client/v4.")
  String toUrl;

  @Option(
      names = "--to-token",
      required = true,
      paramLabel = "<token>",
      description = "Its API token (Workers KV Storage: Edit).")
  String toToken;

  @Option(
      names = "--to-account",
      required = true,
      paramLabel = "<id>",
      description = "Its account id.")
  String toAccount;

  @Override
  String verb() {
    return "push";
  }

  @Override
  KvClient sourceClient() {
    return client();
  }

  @Override
  KvClient targetClient() {
    return new KvClient(ConnectionOptions.normalize(toUrl), toToken, toAccount);
  }

  @Override
  String targetToken() {
    return toToken;
  }

  @Override
  String remoteTokenFlag() {
    return "--to-token";
  }

  @Override
  boolean remoteIsSource() {
    return false;
  }
}
