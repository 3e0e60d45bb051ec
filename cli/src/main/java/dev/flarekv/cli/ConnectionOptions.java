package dev.flarekv.cli;

import dev.flarekv.protocol.client.ControlClient;
import dev.flarekv.protocol.client.KvClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The flags every {@code kv} command shares: where the server is, how to authenticate, which
 * account, which wrangler config file. Defaults come from the same environment variables wrangler
 * reads, so one environment drives both.
 */
final class ConnectionOptions {
  static final String DEFAULT_URL = "http://127.0.0.1:8790";
  static final String API_PATH = "/client/v4";

  @Option(
      names = "--url",
      paramLabel = "<url>",
      description =
          "flarekv server, with or without /client/v4. Default: $FLAREKV_URL, else"
              + " $CLOUDFLARE_API_BASE_URL, else "
              + DEFAULT_URL
              + ".")
  String url;

  @Option(
      names = "--api-token",
      paramLabel = "<token>",
      description =
          "Bearer token. Default: $CLOUDFLARE_API_TOKEN, else $FLAREKV_API_TOKEN; none when unset.")
  String apiToken;

  @Option(
      names = "--account-id",
      paramLabel = "<id>",
      description =
          "Account to act on. Default: $CLOUDFLARE_ACCOUNT_ID, else account_id from the config"
              + " file, else the only account GET /memberships reports.")
  String accountId;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "<file>",
      description =
          "wrangler config file (wrangler.toml, wrangler.json or wrangler.jsonc). Default: the"
              + " first of wrangler.json, wrangler.jsonc, wrangler.toml in the current directory"
              + " or its nearest parent.")
  String config;

  @Option(
      names = "--remote",
      description = "Accepted for wrangler compatibility; flarekv always talks to its server.")
  boolean remote;

  @Option(
      names = "--local",
      description = "Not supported: flarekv has no local mode (this fails with an error).")
  boolean local;

  @Option(names = "--verbose", description = "Print stack traces of failures.")
  boolean verbose;

  private Optional<WranglerConfig> loadedConfig;

  /** The wrangler config file, read once; empty when there is none. */
  Optional<WranglerConfig> config(CliIo io) {
    if (loadedConfig == null) {
      loadedConfig = WranglerConfig.find(io.cwd(), config);
    }
    return loadedConfig;
  }

  /** Fails when {@code --local} was given. Called before anything else is done. */
  void checkRemote() {
    if (local) {
      throw new UserError(
          "--local is not supported: flarekv is always remote (it talks to the flarekv server"
              + " at --url); drop --local or use --remote");
    }
  }

  /** The API root, e.g. {@code http://127.0.0.1:8790/client/v4}. */
  String baseUrl(CliIo io) {
    String raw = first(url, io.env("FLAREKV_URL"), io.env("CLOUDFLARE_API_BASE_URL"));
    if (raw == null) {
      raw = first(io.env("CF_API_BASE_URL"), DEFAULT_URL);
    }
    return normalize(raw);
  }

  /** Appends {@code /client/v4} unless the URL already ends with it. */
  static String normalize(String raw) {
    String s = raw.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new UserError("invalid --url: " + raw);
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null) {
      throw new UserError("invalid --url (must be http://host[:port]): " + raw);
    }
    return s.endsWith(API_PATH) ? s : s + API_PATH;
  }

  String token(CliIo io) {
    return first(apiToken, io.env("CLOUDFLARE_API_TOKEN"), io.env("FLAREKV_API_TOKEN"));
  }

  /** A client for the resolved server's emulator controls, with the resolved token. */
  ControlClient controls(CliIo io) {
    checkRemote();
    return new ControlClient(baseUrl(io), token(io));
  }

  /** A client for the resolved server, token and account (asking /memberships if needed). */
  KvClient client(CliIo io) {
    checkRemote();
    String base = baseUrl(io);
    String token = token(io);
    String account = first(accountId, io.env("CLOUDFLARE_ACCOUNT_ID"));
    if (account == null) {
      account = config(io).map(WranglerConfig::accountId).orElse(null);
    }
    if (account == null) {
      account = discoverAccount(base, token);
    }
    return new KvClient(base, token, account);
  }

  private static String discoverAccount(String base, String token) {
    List<KvClient.Account> accounts = KvClient.memberships(base, token);
    if (accounts.size() == 1) {
      return accounts.get(0).id();
    }
    if (accounts.isEmpty()) {
      throw new UserError(
          "GET /memberships reported no account; pass --account-id or set CLOUDFLARE_ACCOUNT_ID");
    }
    throw new UserError(
        "More than one account available but unable to select one in non-interactive mode."
            + " Pass --account-id or set CLOUDFLARE_ACCOUNT_ID. Available accounts are: "
            + accounts.stream()
                .map(a -> "`" + a.name() + "`: `" + a.id() + "`")
                .collect(Collectors.joining(", ")));
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
