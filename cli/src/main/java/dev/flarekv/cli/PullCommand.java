package dev.flarekv.cli;

import dev.flarekv.protocol.client.KvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flarekv kv pull}: copies a namespace of any Cloudflare API v4 endpoint (Cloudflare itself,
 * or another flarekv) into the flarekv server the usual connection flags name.
 */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a namespace from a Cloudflare API v4 endpoint (e.g. https://api.cloudflare.com/client/v4)"
          + " into this flarekv server: values (binary as base64), metadata and expiration; keys"
          + " expiring within 60 s are skipped. Retries 429 and 5xx; --resume continues an"
          + " interrupted pull."
    })
final class PullCommand extends CopyCommand {
  @Option(
      names = "--from-url",
      required = true,
      paramLabel = "<url>",
      description = "The API to read from, e.g. https://api.cloudflare.com/client/v4.")
  String fromUrl;

  @Option(
      names = "--from-token",
      required = true,
      paramLabel = "<token>",
      description = "Its API token (Workers KV Storage: Read).")
  String fromToken;

  @Option(
      names = "--from-account",
      required = true,
      paramLabel = "<id>",
      description = "Its account id.")
  String fromAccount;

  @Override
  String verb() {
    return "pull";
  }

  @Override
  KvClient sourceClient() {
    return new KvClient(ConnectionOptions.normalize(fromUrl), fromToken, fromAccount);
  }

  @Override
  KvClient targetClient() {
    return client();
  }

  @Override
  String targetToken() {
    return connection.token(io);
  }

  @Override
  String remoteTokenFlag() {
    return "--from-token";
  }

  @Override
  boolean remoteIsSource() {
    return true;
  }
}
