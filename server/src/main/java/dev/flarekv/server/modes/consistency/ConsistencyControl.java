package dev.flarekv.server.modes.consistency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;

/**
 * The edge caches of the eventual-consistency mode (docs/modes.md):
 *
 * <ul>
 *   <li>{@code GET /flarekv/v1/consistency}: the locations and how many reads each has cached, and
 *       the recent writes still being propagated. CLI: {@code flarekv consistency}.
 *   <li>{@code POST /flarekv/v1/consistency/flush}: every location forgets what it cached and every
 *       pending write arrives, so every location reads the central store from now on (needs a token
 *       for all accounts). CLI: {@code flarekv consistency flush}.
 * </ul>
 *
 * On a server started with {@code --consistency strong} both answer 400 and say how to turn the
 * mode on.
 */
public final class ConsistencyControl implements Control {
  private final EdgeCachePolicy policy;

  /**
   * @param policy the mode's policy, null when the server runs strongly consistent
   */
  public ConsistencyControl(EdgeCachePolicy policy) {
    this.policy = policy;
  }

  @Override
  public List<ControlRoute> routes() {
    return List.of(
        new ControlRoute(HttpMethod.GET, "consistency", request -> stats()),
        new ControlRoute(HttpMethod.POST, "consistency/flush", this::flush));
  }

  private ObjectNode stats() {
    EdgeState state = on().state();
    long now = policy.now();
    Map<String, Integer> locations = state.perLocation(now);
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("consistency", "eventual");
    ObjectNode perLocation = out.putObject("locations");
    int total = 0;
    for (Map.Entry<String, Integer> e : locations.entrySet()) {
      perLocation.put(e.getKey(), e.getValue());
      total += e.getValue();
    }
    out.put("cached_entries", total);
    out.put("recent_writes", state.pendingWrites(now));
    return out;
  }

  private ObjectNode flush(ControlRequest request) {
    EdgeCachePolicy on = on();
    request.requireAllAccounts();
    request.jsonBody(); // a body, if any, must be a JSON object; nothing in it is read
    EdgeState.Flushed flushed = on.state().flush(on.now());
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("flushed_entries", flushed.cachedEntries());
    out.put("dropped_writes", flushed.pendingWrites());
    return out;
  }

  private EdgeCachePolicy on() {
    if (policy == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "Eventual consistency is off on this server: start flarekv with --consistency eventual");
    }
    return policy;
  }
}
