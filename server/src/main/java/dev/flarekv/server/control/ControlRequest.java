package dev.flarekv.server.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.auth.Principal;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * A control request after the checks every control shares: authenticated, same-site, routed.
 *
 * @param http the request (its body belongs to the request handler; copy what you keep)
 * @param principal the authenticated caller
 * @param pathParams the values of the route template's {@code {name}} segments, in order
 */
public record ControlRequest(ApiRequest http, Principal principal, List<String> pathParams) {
  /**
   * The body as a JSON object: {@code {}} when empty.
   *
   * @throws dev.flarekv.protocol.error.KvException 400 when the body is not a JSON object
   */
  public JsonNode jsonBody() {
    if (!http.body().isReadable()) {
      return KvJson.mapper().createObjectNode();
    }
    JsonNode body = KvJson.parse(ByteBufUtil.getBytes(http.body()));
    if (!body.isObject()) {
      throw ErrorCode.INVALID_REQUEST.exception("The request body must be a JSON object");
    }
    return body;
  }

  /**
   * Refuses a token scoped to some accounts: a control that changes the whole server (its clock,
   * its fault rules, its edge caches) needs a token for every account.
   */
  public void requireAllAccounts() {
    if (!principal.allAccounts()) {
      throw ErrorCode.FORBIDDEN.exception(
          "Forbidden: this control changes the whole server; use an API token that is not"
              + " scoped to accounts");
    }
  }
}
