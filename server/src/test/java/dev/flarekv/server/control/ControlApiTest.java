package dev.flarekv.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.api.ApiRequest;
import dev.flarekv.server.api.BodyLimit;
import dev.flarekv.server.api.RestApi;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.pipeline.KvOperation;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing of control paths, path parameters, body limits and the cross-site body rule. */
class ControlApiTest {
  final List<String> calls = new ArrayList<>();

  final Control control =
      () ->
          List.of(
              new ControlRoute(HttpMethod.GET, "things", r -> Map.of("n", 1)),
              new ControlRoute(HttpMethod.POST, "things", r -> r.jsonBody()),
              new ControlRoute(
                  HttpMethod.DELETE,
                  "things/{id}",
                  r -> {
                    calls.add(r.pathParams().get(0));
                    return null;
                  }));

  final ControlApi api = new ControlApi(List.of(control));

  @Test
  void routesByMethodAndTemplateWithPathParameters() {
    RestApi.Route get = api.match(HttpMethod.GET, "/flarekv/v1/things");
    assertThat(get.failure()).isNull();
    assertThat(get.name()).isEqualTo("flarekv/v1/things");
    assertThat(get.limit()).isEqualTo(BodyLimit.NONE);
    assertThat(api.match(HttpMethod.POST, "/flarekv/v1/things/").limit())
        .isEqualTo(BodyLimit.SMALL);

    RestApi.Route delete = api.match(HttpMethod.DELETE, "/flarekv/v1/things/r7");
    assertThat(delete.name()).isEqualTo("flarekv/v1/things/{id}");
    ApiReply reply = run(delete, request(HttpMethod.DELETE, null, null));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(calls).containsExactly("r7");
  }

  @Test
  void unknownPathsAndMethodsFailWithTheirCodes() {
    assertThat(api.match(HttpMethod.GET, "/flarekv/v1/other").failure().errorCode())
        .isEqualTo(ErrorCode.NO_ROUTE);
    assertThat(api.match(HttpMethod.GET, "/flarekv/v1/things/").failure()).isNull();
    assertThat(api.match(HttpMethod.GET, "/flarekv/v1/things//").failure().errorCode())
        .isEqualTo(ErrorCode.NO_ROUTE);
    assertThat(api.match(HttpMethod.PUT, "/flarekv/v1/things").failure().errorCode())
        .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(api.match(HttpMethod.DELETE, "/flarekv/v1/things").failure().errorCode())
        .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
    assertThat(ControlApi.matches("/flarekv/v1/things")).isTrue();
    assertThat(ControlApi.matches("/flarekv/v10/things")).isFalse();
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedBeforeTheControlRuns() {
    RestApi.Route post = api.match(HttpMethod.POST, "/flarekv/v1/things");
    ApiRequest form = request(HttpMethod.POST, "text/plain", "advance=3600");
    assertThatThrownBy(() -> run(post, form))
        .isInstanceOfSatisfying(
            KvException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.getMessage()).contains("application/json");
            });
    ApiRequest json = request(HttpMethod.POST, "application/json; charset=utf-8", "{\"a\":1}");
    assertThat(new String(run(post, json).body(), StandardCharsets.UTF_8))
        .contains("\"result\":{\"a\":1}");
    ApiRequest array = request(HttpMethod.POST, "application/json", "[1]");
    assertThatThrownBy(() -> run(post, array))
        .isInstanceOfSatisfying(
            KvException.class, e -> assertThat(e.getMessage()).contains("JSON object"));
  }

  private static ApiReply run(RestApi.Route route, ApiRequest request) {
    KvOperation.Origin origin =
        KvOperation.Origin.rest(route.name(), request.method(), 0, Principal.ALL_ACCOUNTS);
    KvOperation op = route.callOrThrow().parse(request, origin);
    return op.call().run();
  }

  private static ApiRequest request(HttpMethod method, String type, String body) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Host", "127.0.0.1:8790");
    if (type != null) {
      headers.set("Content-Type", type);
    }
    return ApiRequest.of(
        method,
        "/flarekv/v1/things",
        headers,
        body == null
            ? Unpooled.EMPTY_BUFFER
            : Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
  }
}
