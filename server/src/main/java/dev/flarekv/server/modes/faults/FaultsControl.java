package dev.flarekv.server.modes.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;

/**
 * The fault rules' control (docs/modes.md): {@code GET /flarekv/v1/faults} lists them, {@code POST}
 * adds one, {@code DELETE /flarekv/v1/faults/{id}} removes one and {@code DELETE
 * /flarekv/v1/faults} all. Changes need a token for every account, since a rule can fail any
 * account's requests; reading them needs any valid token. CLI: {@code flarekv faults}.
 */
record FaultsControl(FaultRules rules) implements Control {

  @Override
  public List<ControlRoute> routes() {
    return List.of(
        new ControlRoute(HttpMethod.GET, "faults", request -> list(List.of(rules.current()))),
        new ControlRoute(HttpMethod.POST, "faults", this::add),
        new ControlRoute(HttpMethod.DELETE, "faults/{id}", this::remove),
        new ControlRoute(HttpMethod.DELETE, "faults", this::clear));
  }

  private Object add(ControlRequest request) {
    request.requireAllAccounts();
    FaultSpec spec = FaultRuleParser.parse(request.jsonBody());
    return rules.add(spec).toJson();
  }

  private Object remove(ControlRequest request) {
    request.requireAllAccounts();
    String id = request.pathParams().get(0);
    FaultRule removed = rules.remove(id);
    if (removed == null) {
      throw ErrorCode.FAULT_RULE_NOT_FOUND.exception(
          "No fault rule with id \"" + id + "\"; GET /flarekv/v1/faults lists the rules");
    }
    return removed.toJson();
  }

  private Object clear(ControlRequest request) {
    request.requireAllAccounts();
    return list(rules.clear());
  }

  private static ArrayNode list(List<FaultRule> list) {
    ArrayNode out = KvJson.mapper().createArrayNode();
    for (FaultRule rule : list) {
      out.add(rule.toJson());
    }
    return out;
  }
}
