package dev.flarekv.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.auth.TokenAuthenticator;
import dev.flarekv.server.http.Dispatcher;
import dev.flarekv.server.http.KvErrorMapper;
import dev.flarekv.server.pipeline.KvOperation;
import dev.flarekv.storage.KvStore;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (loopback only, see {@link AdminFile}): {@code POST /admin/checkpoint} with
 * body {@code {"target": "/absolute/dir"}} and the admin secret as bearer token writes a RocksDB
 * checkpoint of the live store into {@code target}, which must not exist.
 */
public final class AdminDispatcher implements Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(AdminDispatcher.class);

  /** The checkpoint route. */
  public static final String CHECKPOINT = "/admin/checkpoint";

  private final KvStore store;
  private final TokenAuthenticator auth;

  public AdminDispatcher(KvStore store, String secret) {
    this.store = store;
    this.auth = new TokenAuthenticator(java.util.List.of(secret));
  }

  @Override
  public ApiReply dispatch(ApiRequest request, KvOperation declined) {
    try {
      if (!auth.authenticate(request.header(HttpHeaderNames.AUTHORIZATION.toString()))) {
        return ApiReply.error(ErrorCode.AUTHENTICATION, "Authentication error");
      }
      if (!request.rawPath().equals(CHECKPOINT)) {
        return ApiReply.error(ErrorCode.NO_ROUTE, "No route for that URI");
      }
      if (!request.method().equals(HttpMethod.POST)) {
        return ApiReply.error(ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed for this route");
      }
      JsonNode body =
          request.body().isReadable()
              ? KvJson.parse(ByteBufUtil.getBytes(request.body()))
              : KvJson.mapper().createObjectNode();
      JsonNode target = body.path("target");
      if (!target.isTextual()) {
        return ApiReply.error(ErrorCode.INVALID_REQUEST, "body must be {\"target\": \"/dir\"}");
      }
      Path dir;
      try {
        dir = Path.of(target.textValue());
      } catch (InvalidPathException e) {
        return ApiReply.error(ErrorCode.INVALID_REQUEST, "invalid target path");
      }
      if (!dir.isAbsolute()) {
        return ApiReply.error(ErrorCode.INVALID_REQUEST, "target must be an absolute path");
      }
      long start = System.nanoTime();
      store.checkpoint(dir);
      long millis = (System.nanoTime() - start) / 1_000_000;
      log.info("checkpoint written to {} in {} ms", dir, millis);
      return ApiReply.ok(Map.of("path", dir.toString(), "millis", millis));
    } catch (IllegalArgumentException e) {
      return ApiReply.error(ErrorCode.INVALID_REQUEST, e.getMessage());
    } catch (UnsupportedOperationException e) {
      return ApiReply.error(ErrorCode.INVALID_REQUEST, e.getMessage());
    } catch (RuntimeException e) {
      return KvErrorMapper.reply(e);
    }
  }
}
