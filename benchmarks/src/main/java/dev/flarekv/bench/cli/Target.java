package dev.flarekv.bench.cli;

import dev.flarekv.bench.load.Surface;
import dev.flarekv.protocol.client.KvClient;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;

/**
 * Where one run sends its measured requests, as {@link TargetOptions#resolve} worked it out.
 *
 * @param surface the surface of the measured requests
 * @param base the REST API root (for http, the base URL keys are appended to)
 * @param host the host the connections open to (a loopback address)
 * @param port the port the connections open to
 * @param token the bearer token, or null for none
 * @param accountId the account of the REST paths
 * @param shown the target as the output names it: the binding address, else the URL
 */
public record Target(
    Surface surface,
    URI base,
    String host,
    int port,
    String token,
    String accountId,
    String shown) {

  /** A REST client of {@link #base} for setup and preload. */
  public KvClient client() {
    return new KvClient(base.toString(), token, accountId);
  }

  /**
   * The request builder of namespace {@code namespaceId}: the token on every request, and for
   * binding the namespace header.
   */
  public Surface.Requests requests(String namespaceId) {
    HttpHeaders extra = new DefaultHttpHeaders();
    if (token != null) {
      extra.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
    if (surface == Surface.BINDING) {
      extra.set("X-Flarekv-Namespace", namespaceId);
    }
    return new Surface.Requests(
        surface, base.getRawPath(), accountId, namespaceId, host + ":" + port, extra);
  }
}
