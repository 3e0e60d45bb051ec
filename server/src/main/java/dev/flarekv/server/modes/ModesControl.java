package dev.flarekv.server.modes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRoute;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /flarekv/v1/modes}: which realism modes this server runs, as {@code flarekv serve}
 * spells them ({@code
 * {"clock":"system","limits":"off","consistency":"strong","random_seed":null}}). CLI: {@code
 * flarekv modes}.
 */
record ModesControl(Modes modes) implements Control {

  @Override
  public List<ControlRoute> routes() {
    return List.of(new ControlRoute(HttpMethod.GET, "modes", request -> describe()));
  }

  ObjectNode describe() {
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("clock", name(modes.clock()));
    out.put("limits", name(modes.limits()));
    out.put("consistency", name(modes.consistency()));
    if (modes.randomSeed().isPresent()) {
      out.put("random_seed", modes.randomSeed().getAsLong());
    } else {
      out.putNull("random_seed");
    }
    return out;
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
