package dev.flarekv.bench.cli;

import dev.flarekv.bench.load.Surface;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options naming the server under load, shared by {@code load} and {@code scale} as a picocli
 * mixin: the REST root, the binding listener, the token and the account. {@link #resolve} turns
 * them into the {@link Target} of one surface, and refuses anything but a loopback address.
 */
public final class TargetOptions {
  /** The account of the REST paths when {@code --account-id} is not given. */
  public static final String DEFAULT_ACCOUNT = "f1a2e4b0000000000000000000000001";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8790/client/v4",
      description =
          "REST API root (rest; binding also uses it to create the namespace and preload, and"
              + " scale reads /metrics there), or the base URL keys are appended to (http)."
              + " Default: ${DEFAULT-VALUE}")
  String url;

  @Option(
      names = "--binding-address",
      defaultValue = "127.0.0.1:8791",
      description = "host:port of the workerd binding listener (default: ${DEFAULT-VALUE})")
  String bindingAddress;

  @Option(
      names = "--token",
      defaultValue = "${env:FLAREKV_API_TOKEN}",
      description = "bearer token (default: $FLAREKV_API_TOKEN, none if unset)")
  String token;

  @Option(
      names = "--account-id",
      defaultValue = DEFAULT_ACCOUNT,
      description = "account of the REST paths (default: ${DEFAULT-VALUE})")
  String accountId;

  /** The REST API root as given (for http, the base URL keys are appended to). */
  public String url() {
    return url;
  }

  /**
   * The target of {@code surface}: the binding listener for binding, else the host and port of
   * {@code --url} (80 when it names none).
   *
   * @throws CommandLine.ParameterException when {@code --binding-address} is not {@code host:port}
   * @throws IllegalArgumentException when the target, or the REST root a rest or binding run sets
   *     up through, is not a loopback address
   */
  public Target resolve(Surface surface) throws UnknownHostException {
    URI base = URI.create(url);
    String host;
    int port;
    if (surface == Surface.BINDING) {
      HostPort address;
      try {
        address = HostPort.parse(bindingAddress);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            mixee.commandLine(), "--binding-address: " + e.getMessage(), e, null, bindingAddress);
      }
      host = address.host();
      port = address.port();
    } else {
      host = base.getHost();
      port = base.getPort() < 0 ? 80 : base.getPort();
    }
    requireLoopback(host);
    if (surface != Surface.HTTP) {
      requireLoopback(base.getHost());
    }
    String tok = token == null || token.isBlank() ? null : token;
    String shown = surface == Surface.BINDING ? bindingAddress : url;
    return new Target(surface, base, host, port, tok, accountId, shown);
  }

  static void requireLoopback(String host) throws UnknownHostException {
    if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "refusing to send load to " + host + ": only loopback addresses (127.0.0.1) are allowed");
    }
  }

  /** A {@code host:port} pair; the port follows the last colon. */
  public record HostPort(String host, int port) {
    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException when there is no colon, no host, or no port in 1..65535
     */
    public static HostPort parse(String text) {
      int colon = text == null ? -1 : text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected host:port, got '" + text + "'");
      }
      String host = text.substring(0, colon);
      String digits = text.substring(colon + 1);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("no host before the port in '" + text + "'");
      }
      int port;
      try {
        port = Integer.parseInt(digits);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the port of '" + text + "' is not a number");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("the port of '" + text + "' is not in 1..65535");
      }
      return new HostPort(host, port);
    }
  }
}
