package dev.flarekv.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.server.auth.Principal;
import dev.flarekv.server.http.RequestMetrics;
import dev.flarekv.server.pipeline.KvOperation.Kind;
import dev.flarekv.server.pipeline.KvOperation.Origin;
import dev.flarekv.storage.memory.InMemoryKvStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chain both surfaces run: policies in order, then the one executor, then the rendering. */
class KvPipelineTest {
  /** Renders a value read as its bytes, anything else as "done", a failure as its message. */
  static final KvSurface SURFACE =
      new KvSurface() {
        @Override
        public ApiReply render(KvOperation op, KvResult result) {
          if (op.kind() == Kind.GET || op.kind() == Kind.GET_CACHED) {
            byte[] body = result.entry().map(KvEntry::value).orElse(new byte[0]);
            return new ApiReply(
                result.entry().isPresent() ? 200 : 404, "text/plain", body, Map.of());
          }
          return new ApiReply(200, "text/plain", "done".getBytes(StandardCharsets.UTF_8), Map.of());
        }

        @Override
        public ApiReply error(Throwable failure) {
          return new ApiReply(
              499, "text/plain", failure.getMessage().getBytes(StandardCharsets.UTF_8), Map.of());
        }
      };

  InMemoryKvStore store;
  NamespaceRef ns;
  final List<String> trace = new ArrayList<>();

  @BeforeEach
  void open() {
    store = new InMemoryKvStore(InstantSource.system());
    ns = store.createNamespace("0123456789abcdef0123456789abcdef", "t").ref();
  }

  KvPolicy tracing(String name) {
    return (op, next) -> {
      trace.add(name + ">" + op.kind());
      ApiReply reply = next.proceed(op);
      trace.add(name + "<" + (reply == null ? "declined" : reply.status()));
      return reply;
    };
  }

  static Origin origin(String route) {
    return Origin.rest(route, HttpMethod.GET, System.nanoTime(), Principal.ALL_ACCOUNTS);
  }

  @Test
  void policiesRunInRegistrationOrderAroundTheStore() {
    KvPipeline pipeline =
        new KvPipeline(List.of(tracing("a"), tracing("b")), new KvExecutor(store), SURFACE);
    KvEntry entry = new KvEntry("k", "v".getBytes(StandardCharsets.UTF_8), null, 0);
    assertThat(pipeline.run(KvOperation.put(origin("values"), ns, entry)).status()).isEqualTo(200);
    ApiReply read = pipeline.run(KvOperation.ofKey(Kind.GET, origin("values"), ns, "k"));
    assertThat(new String(read.body(), StandardCharsets.UTF_8)).isEqualTo("v");
    assertThat(trace)
        .containsExactly("a>PUT", "b>PUT", "b<200", "a<200", "a>GET", "b>GET", "b<200", "a<200");
  }

  @Test
  void aPolicyMayRefuseBeforeTheStore() {
    KvPolicy refuse =
        (op, next) ->
            op.kind() == Kind.PUT
                ? SURFACE.error(ErrorCode.PAYLOAD_TOO_LARGE.exception("refused"))
                : next.proceed(op);
    KvPipeline pipeline = new KvPipeline(List.of(refuse), new KvExecutor(store), SURFACE);
    KvEntry entry = new KvEntry("k", new byte[1], null, 0);
    assertThat(pipeline.run(KvOperation.put(origin("values"), ns, entry)).status()).isEqualTo(499);
    assertThat(store.get(ns, "k")).isEmpty();
  }

  @Test
  void rejectedOperationsPassThePoliciesAndAnswerTheirFailure() {
    KvPipeline pipeline = new KvPipeline(List.of(tracing("a")), new KvExecutor(store), SURFACE);
    ApiReply reply =
        pipeline.run(
            KvOperation.rejected(origin("unmatched"), ErrorCode.NO_ROUTE.exception("no route")));
    assertThat(reply.status()).isEqualTo(499);
    assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("no route");
    assertThat(trace).containsExactly("a>REJECTED", "a<499");
  }

  @Test
  void meteringCountsEachAnsweredRequestOnceAndNoDeclinedRead() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    KvPipeline pipeline =
        KvPipeline.standard(
            new KvExecutor(store), SURFACE, new RequestMetrics(registry, "test"), List.of());
    KvOperation declined =
        KvOperation.ofKey(
            Kind.GET_CACHED,
            origin("key"),
            new NamespaceRef(
                "0123456789abcdef0123456789abcdef", "ffffffffffffffffffffffffffffffff"),
            "k");
    assertThat(pipeline.run(declined)).isNull(); // unknown namespace: the memory read declines
    pipeline.run(KvOperation.ofKey(Kind.GET, origin("key"), ns, "k"));
    pipeline.run(KvOperation.ofKey(Kind.GET, origin("key"), ns, "k"));
    assertThat(registry.find("flarekv.http.requests").timers())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getId().getTag("route")).isEqualTo("key");
              assertThat(t.getId().getTag("status")).isEqualTo("404");
              assertThat(t.count()).isEqualTo(2);
            });
  }
}
