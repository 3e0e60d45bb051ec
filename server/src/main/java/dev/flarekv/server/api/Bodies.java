package dev.flarekv.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers shared by the endpoints. */
final class Bodies {
  private Bodies() {}

  /** The body parsed as JSON; an empty or malformed body is a 400. */
  static JsonNode json(ApiRequest request) {
    return KvJson.parse(ByteBufUtil.getBytes(jsonBody(request)));
  }

  /** The body, which must hold JSON: an empty one is a 400. */
  static ByteBuf jsonBody(ApiRequest request) {
    ByteBuf body = request.body();
    if (!body.isReadable()) {
      throw ErrorCode.INVALID_REQUEST.exception("Request body is empty; expected JSON");
    }
    return body;
  }

  /** The body as bytes (a copy). */
  static byte[] bytes(ApiRequest request) {
    return ByteBufUtil.getBytes(request.body());
  }

  /** The JSON view of a namespace as Cloudflare returns it. */
  static Map<String, Object> namespace(dev.flarekv.protocol.model.Namespace ns) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", ns.id());
    out.put("title", ns.title());
    out.put("supports_url_encoding", true);
    return out;
  }
}
