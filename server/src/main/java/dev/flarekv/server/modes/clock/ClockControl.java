package dev.flarekv.server.modes.clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import dev.flarekv.storage.clock.EmulatedClock;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * {@code /flarekv/v1/clock}: reads and moves the server's emulated time (docs/modes.md, "Emulated
 * time"). Present on every server: with {@code --clock system} a move is an offset to the wall
 * clock. CLI: {@code flarekv clock}.
 *
 * <ul>
 *   <li>{@code GET} answers {@code {"now": <epoch s>, "now_ms": <epoch ms>, "frozen": bool,
 *       "offset_seconds": <emulated minus base time, s>, "can_freeze": bool}}.
 *   <li>{@code POST} takes exactly one of {@code {"advance": <s>}}, {@code {"set": <epoch s>}} or
 *       {@code {"frozen": true|false}} and answers the new state. Seconds are whole numbers; an
 *       advance is positive and a set not in the past (emulated time only moves forward). Anything
 *       else is a 400 that says why and leaves the clock as it was. Moving the clock changes the
 *       whole server, so it needs a token for every account.
 * </ul>
 */
public final class ClockControl implements Control {
  static final String PATH = "clock";

  private static final String USAGE =
      "; send exactly one of {\"advance\": <seconds>}, {\"set\": <epoch seconds>} or"
          + " {\"frozen\": true|false}";

  private final EmulatedClock clock;

  public ClockControl(EmulatedClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public List<ControlRoute> routes() {
    return List.of(
        new ControlRoute(HttpMethod.GET, PATH, request -> state()),
        new ControlRoute(HttpMethod.POST, PATH, this::change));
  }

  /** The clock's state, as GET answers it. */
  ObjectNode state() {
    long millis = clock.millis();
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("now", Math.floorDiv(millis, 1000L));
    out.put("now_ms", millis);
    out.put("frozen", clock.isFrozen());
    out.put("offset_seconds", Math.floorDiv(clock.offsetMillis(), 1000L));
    out.put("can_freeze", clock.canFreeze());
    return out;
  }

  private Object change(ControlRequest request) {
    request.requireAllAccounts();
    JsonNode body = request.jsonBody();
    if (body.size() != 1) {
      throw invalid(
          body.isEmpty()
              ? "The request body names no change" + USAGE
              : "The request body names " + body.size() + " changes" + USAGE);
    }
    Iterator<String> names = body.fieldNames();
    String field = names.next();
    JsonNode value = body.get(field);
    try {
      switch (field) {
        case "advance" -> clock.advance(wholeSeconds(field, value));
        case "set" -> clock.set(wholeSeconds(field, value));
        case "frozen" -> {
          if (!value.isBoolean()) {
            throw invalid("frozen must be true or false, got " + value);
          }
          if (value.booleanValue()) {
            clock.freeze();
          } else {
            clock.resume();
          }
        }
        default -> throw invalid("Unknown field \"" + field + "\"" + USAGE);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid("Cannot move the clock: " + e.getMessage());
    }
    return state();
  }

  private static long wholeSeconds(String field, JsonNode value) {
    if (!value.isNumber()) {
      throw invalid(field + " must be a number of seconds, got " + value);
    }
    if (!value.isIntegralNumber()) {
      throw invalid(field + " must be a whole number of seconds, got " + value);
    }
    if (!value.canConvertToLong()) {
      throw invalid(field + " is out of range: " + value);
    }
    return value.longValue();
  }

  private static KvException invalid(String message) {
    return ErrorCode.INVALID_REQUEST.exception(message);
  }
}
