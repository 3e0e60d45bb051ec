package dev.flarekv.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.NettyLeakExtension;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile HTTP against a real server (REST and binding listeners) running in the test JVM:
 * malformed request lines, oversized and malformed headers, bodies over the limits with and without
 * {@code Content-Length}, endless chunked bodies, idle connections, invalid percent-encoding and
 * UTF-8, deeply nested JSON, 10,001-item bulks, and hostile numbers in every numeric parameter.
 *
 * <p>Every input must be answered with a 4xx (an error envelope on REST, a text body and a reason
 * phrase on the binding listener), or accepted with a 2xx when it happens to be valid, or the
 * connection closed: never a 5xx and never a hang. A well-behaved client writes and reads a value
 * after every input, and heap use after GC stays bounded. The counts are printed as {@code hostile
 * inputs tried: N, answered 4xx: A, closed: C}.
 */
class HostileHttpFuzzTest {
  private static final String AUTH = "Authorization: Bearer " + TestServer.TOKEN + "\r\n";
  private static final int MAX_BODY = 100_000_000 + 1024 * 1024;

  private static Path dir;
  private static TestServer server;
  private static String nsId;

  private static final AtomicLong tried = new AtomicLong();
  private static final AtomicLong answered4xx = new AtomicLong();
  private static final AtomicLong accepted2xx = new AtomicLong();
  private static final AtomicLong closed = new AtomicLong();
  private static final AtomicLong wellBehaved = new AtomicLong();

  @BeforeContainer
  static void start() throws IOException {
    NettyLeakExtension.install();
    dir = Files.createTempDirectory("flarekv-fuzz");
    server =
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c -> c.withIdleTimeout(Duration.ofSeconds(1)).withBindingNamespace("fuzz-binding"));
    nsId = server.createNamespace("fuzz");
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      long used = usedHeapAfterGc();
      long max = Runtime.getRuntime().maxMemory();
      System.out.printf(
          "hostile inputs tried: %d, answered 4xx: %d, closed: %d (valid after all, 2xx: %d;"
              + " well-behaved round trips: %d; heap used after GC: %d MiB of %d MiB)%n",
          tried.get(),
          answered4xx.get(),
          closed.get(),
          accepted2xx.get(),
          wellBehaved.get(),
          used >> 20,
          max >> 20);
      assertThat(tried.get()).isEqualTo(answered4xx.get() + closed.get() + accepted2xx.get());
      assertThat(used).as("heap used after GC").isLessThan(256L << 20);
    } finally {
      server.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      NettyLeakExtension.assertNoLeaks(HostileHttpFuzzTest.class.getSimpleName());
    }
  }

  // ------------------------------------------------------------------ properties

  @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED)
  void malformedRequestLines(
      @ForAll("methods") String method,
      @ForAll("targets") String target,
      @ForAll("versions") String version,
      @ForAll("separators") String sep,
      @ForAll boolean binding)
      throws Exception {
    byte[] request =
        latin1(method + sep + target + sep + version + "\r\nHost: x\r\n" + AUTH + "\r\n");
    check(binding, request);
  }

  @Property(tries = 250, shrinking = ShrinkingMode.BOUNDED)
  void hostileHeaders(
      @ForAll("routes") String route,
      @ForAll("headerNames") String name,
      @ForAll("headerValues") String value,
      @ForAll boolean binding)
      throws Exception {
    String path = binding ? "/k" + route.length() : restValue("k");
    String method = route.length() % 2 == 0 ? "PUT" : "GET";
    String body = method.equals("PUT") ? "v" : "";
    byte[] request =
        latin1(
            method
                + " "
                + path
                + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + name
                + ": "
                + value
                + "\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body);
    check(binding, request);
  }

  @Property(tries = 400, shrinking = ShrinkingMode.BOUNDED)
  void hostileNumbers(@ForAll("numbers") String number, @ForAll("numericParams") int which)
      throws Exception {
    String q = TestServer.encodeURIComponent(number);
    String bulkItem = "[{\"key\":\"n\",\"value\":\"v\",\"%s\":%s}]";
    switch (which) {
      case 0 -> check(false, rest("PUT", restValue("n") + "?expiration=" + q, "v"));
      case 1 -> check(false, rest("PUT", restValue("n") + "?expiration_ttl=" + q, "v"));
      case 2 -> check(false, rest("GET", ns() + "/keys?limit=" + q, ""));
      case 3 -> check(false, rest("GET", TestServer.ns() + "?page=" + q, ""));
      case 4 -> check(false, rest("GET", TestServer.ns() + "?per_page=" + q, ""));
      case 5 -> check(true, rest("GET", "/n?urlencoded=true&cache_ttl=" + q, ""));
      case 6 -> check(true, rest("GET", "/?key_count_limit=" + q, ""));
      case 7 -> check(true, rest("PUT", "/n?urlencoded=true&expiration=" + q, "v"));
      case 8 -> check(true, rest("PUT", "/n?urlencoded=true&expiration_ttl=" + q, "v"));
      // as JSON numbers (the raw text) and as JSON strings
      case 9 -> check(false, rest("PUT", ns() + "/bulk", bulkItem.formatted("expiration", number)));
      case 10 ->
          check(
              false,
              rest("PUT", ns() + "/bulk", bulkItem.formatted("expiration_ttl", quote(number))));
      case 11 ->
          check(
              false,
              rest("POST", ns() + "/bulk/get", "{\"keys\":[\"n\"],\"cacheTtl\":" + number + "}"));
      default ->
          check(
              true,
              rest("POST", "/bulk/get", "{\"keys\":[\"n\"],\"cacheTtl\":" + quote(number) + "}"));
    }
  }

  @Property(tries = 120, shrinking = ShrinkingMode.BOUNDED)
  void deeplyNestedJson(
      @ForAll("depths") int depth, @ForAll boolean objects, @ForAll("jsonPlaces") int where)
      throws Exception {
    String open = objects ? "{\"a\":" : "[";
    String close = objects ? "}" : "]";
    String nested = open.repeat(depth) + "1" + close.repeat(depth);
    switch (where) {
      case 0 -> check(false, rest("PUT", ns() + "/bulk", nested));
      case 1 ->
          check(
              false,
              rest(
                  "PUT",
                  ns() + "/bulk",
                  "[{\"key\":\"d\",\"value\":\"v\",\"metadata\":" + nested + "}]"));
      case 2 -> check(false, rest("POST", ns() + "/bulk/delete", nested));
      case 3 -> check(false, rest("POST", ns() + "/bulk/get", nested));
      case 4 -> check(false, rest("POST", TestServer.ns(), nested));
      case 5 -> check(false, multipart(restValue("d"), nested));
      case 6 -> check(true, rest("POST", "/bulk/get", nested));
      default -> {
        // metadata as a binding header: bounded by the 64 KiB header limit anyway
        String header = nested.length() > 60_000 ? nested.substring(0, 60_000) : nested;
        check(
            true,
            latin1(
                "PUT /d?urlencoded=true HTTP/1.1\r\nHost: x\r\n"
                    + AUTH
                    + "CF-KV-Metadata: "
                    + header
                    + "\r\nContent-Length: 1\r\n\r\nv"));
      }
    }
  }

  @Property(tries = 150, shrinking = ShrinkingMode.BOUNDED)
  void invalidEscapesAndUtf8(
      @ForAll("badText") String bad, @ForAll("utf8Places") int where, @ForAll boolean binding)
      throws Exception {
    String path =
        switch (where) {
          case 0 -> binding ? "/" + bad : restValue(bad);
          case 1 -> binding ? "/?prefix=" + bad : ns() + "/keys?prefix=" + bad;
          case 2 -> binding ? "/?cursor=" + bad : ns() + "/keys?cursor=" + bad;
          case 3 -> binding ? "/k?" + bad + "=1" : ns() + "/keys?" + bad;
          default -> TestServer.ns() + "/" + bad + "/values/k";
        };
    String headers =
        where == 4 ? "X-Flarekv-Namespace: " + bad + "\r\nCF-KV-Metadata: \"" + bad + "\"\r\n" : "";
    check(
        binding,
        latin1(
            "PUT "
                + path
                + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + headers
                + "Content-Length: 1\r\n\r\nv"));
  }

  // ------------------------------------------------------------------ targeted cases

  @Example
  void headersOver64KiB() throws Exception {
    for (boolean binding : new boolean[] {false, true}) {
      String big = "a".repeat(70 * 1024);
      check(binding, latin1("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"));
      StringBuilder many = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: x\r\n");
      for (int i = 0; i < 2000; i++) {
        many.append("X-H").append(i).append(": ").append("b".repeat(40)).append("\r\n");
      }
      check(binding, latin1(many + "\r\n"));
      check(binding, latin1("GET /" + "c".repeat(20 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
  }

  @Example
  void declaredBodiesOverTheLimits_areRefusedFromTheHead() throws Exception {
    // nothing of the body is sent: the answer must come from the head alone
    String[][] cases = {
      {"false", "PUT", ns() + "/bulk", String.valueOf(MAX_BODY + 1)},
      {"false", "PUT", ns() + "/bulk", "99999999999999999999"},
      {"false", "PUT", restValue("big"), String.valueOf(26_214_401)},
      {"false", "POST", TestServer.ns(), "9223372036854775807"},
      {"true", "PUT", "/big?urlencoded=true", String.valueOf(26_214_401)},
      {"true", "POST", "/bulk/get", String.valueOf(MAX_BODY + 1)},
      {"false", "PUT", ns() + "/bulk", "-1"},
      {"false", "PUT", ns() + "/bulk", "1, 2"},
    };
    for (String[] c : cases) {
      Outcome o =
          check(
              Boolean.parseBoolean(c[0]),
              latin1(
                  c[1]
                      + " "
                      + c[2]
                      + " HTTP/1.1\r\nHost: x\r\n"
                      + AUTH
                      + "Content-Length: "
                      + c[3]
                      + "\r\n\r\n"));
      assertThat(o.status).as("%s %s with Content-Length %s", c[1], c[2], c[3]).isBetween(400, 499);
    }
  }

  @Example
  void endlessChunkedBodies_areCutAtTheLimit() throws Exception {
    String[][] cases = {
      {"false", ns() + "/bulk"}, {"false", restValue("endless")}, {"true", "/endless"}
    };
    for (String[] c : cases) {
      boolean binding = Boolean.parseBoolean(c[0]);
      long sent = streamUntilAnswered(binding, c[1]);
      // the server reads at most its aggregation limit (plus what the socket buffers hold)
      assertThat(sent).as("bytes sent to %s", c[1]).isLessThan(MAX_BODY + (32L << 20));
      wellBehavedClient();
      assertThat(usedHeapAfterGc()).isLessThan(256L << 20);
    }
  }

  @Example
  void valuesOverTheLimitWithoutContentLength_are413() throws Exception {
    byte[] chunk = new byte[1 << 20];
    for (boolean binding : new boolean[] {false, true}) {
      String path = binding ? "/chunked?urlencoded=true" : restValue("chunked");
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.write(
          latin1(
              "PUT "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + AUTH
                  + "Transfer-Encoding: chunked\r\n\r\n"));
      for (int i = 0; i < 26; i++) {
        req.write(latin1(Integer.toHexString(chunk.length) + "\r\n"));
        req.write(chunk);
        req.write(latin1("\r\n"));
      }
      req.write(latin1("0\r\n\r\n"));
      Outcome o = check(binding, req.toByteArray());
      assertThat(o.status).isEqualTo(413);
    }
  }

  @Example
  void expectHeaders() throws Exception {
    for (boolean binding : new boolean[] {false, true}) {
      String path = binding ? "/e?urlencoded=true" : restValue("e");
      for (String expect : List.of("nonsense", "100-continue", "100-continue, x", "")) {
        for (String length : List.of("1", "30000000", String.valueOf(MAX_BODY + 1))) {
          String body = length.equals("1") ? "v" : "";
          check(
              binding,
              latin1(
                  "PUT "
                      + path
                      + " HTTP/1.1\r\nHost: x\r\n"
                      + AUTH
                      + "Expect: "
                      + expect
                      + "\r\nContent-Length: "
                      + length
                      + "\r\n\r\n"
                      + body));
        }
      }
    }
  }

  @Example
  void malformedChunkFraming() throws Exception {
    for (String chunks :
        List.of(
            "zz\r\nabc\r\n0\r\n\r\n",
            "ffffffffffffffffffff\r\nabc\r\n",
            "-1\r\nx\r\n0\r\n\r\n",
            "3\r\nabcdef\r\n0\r\n\r\n")) {
      for (boolean binding : new boolean[] {false, true}) {
        String path = binding ? "/c" : restValue("c");
        check(
            binding,
            latin1(
                "PUT "
                    + path
                    + " HTTP/1.1\r\nHost: x\r\n"
                    + AUTH
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + chunks));
      }
    }
  }

  @Example
  void bulkOf10001Items_isRefused() throws Exception {
    StringBuilder put = new StringBuilder("[");
    StringBuilder del = new StringBuilder("[");
    for (int i = 0; i <= 10_000; i++) {
      put.append(i == 0 ? "" : ",").append("{\"key\":\"b").append(i).append("\",\"value\":\"v\"}");
      del.append(i == 0 ? "" : ",").append("\"b").append(i).append('"');
    }
    put.append(']');
    del.append(']');
    assertThat(check(false, rest("PUT", ns() + "/bulk", put.toString())).status).isEqualTo(400);
    assertThat(check(false, rest("POST", ns() + "/bulk/delete", del.toString())).status)
        .isEqualTo(400);
    assertThat(check(false, rest("DELETE", ns() + "/bulk", del.toString())).status).isEqualTo(400);
    StringBuilder get = new StringBuilder("{\"keys\":[");
    for (int i = 0; i <= 10_000; i++) {
      get.append(i == 0 ? "" : ",").append("\"b").append(i).append('"');
    }
    get.append("]}");
    assertThat(check(false, rest("POST", ns() + "/bulk/get", get.toString())).status)
        .isEqualTo(400);
    assertThat(check(true, rest("POST", "/bulk/get", get.toString())).status).isEqualTo(400);
    assertThat(server.get(restValue("b1")).status()).isEqualTo(404);
  }

  @Example
  void idleConnections_timeOut() throws Exception {
    for (boolean binding : new boolean[] {false, true}) {
      for (String partial :
          List.of(
              "", "GET /healthz HTTP/1.1\r\n", "PUT /k HTTP/1.1\r\nContent-Length: 9\r\n\r\nab")) {
        tried.incrementAndGet();
        long start = System.nanoTime();
        try (Socket s = connect(binding)) {
          s.getOutputStream().write(latin1(partial));
          s.setSoTimeout(10_000);
          Outcome o = read(s.getInputStream());
          // a half-sent request may be answered 4xx before the close; nothing else
          if (o == null) {
            closed.incrementAndGet();
          } else {
            assertThat(o.status).isBetween(400, 499);
            answered4xx.incrementAndGet();
          }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      }
    }
    wellBehavedClient();
  }

  // ------------------------------------------------------------------ generators

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.of("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE", "get"),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
            Arbitraries.strings()
                .withCharRange('\u0000', '\u00ff')
                .ofMinLength(0)
                .ofMaxLength(20)
                .filter(s -> !s.contains("\r") && !s.contains("\n"))));
  }

  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> tail = badText();
    return Combinators.combine(
            Arbitraries.of(
                "",
                "/",
                "/?",
                "/healthz",
                "/bulk/get",
                "*",
                "http://x",
                "http://x/client/v4/",
                TestServer.ns() + "/",
                TestServer.ns() + "?page=",
                ns() + "/values/",
                ns() + "/metadata/",
                ns() + "/keys?prefix=",
                ns() + "/keys?cursor=",
                "/client/v4/accounts/",
                "/client/v4/accounts/%ZZ/storage/kv/namespaces/"),
            tail,
            Arbitraries.integers().between(0, 3))
        .as((head, t, repeat) -> head + t.repeat(repeat == 3 ? 200 : repeat));
  }

  @Provide
  Arbitrary<String> versions() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.of(
                "HTTP/1.1",
                "HTTP/1.0",
                "HTTP/2.0",
                "HTTP/0.9",
                "HTTP/1.1 extra",
                "http/1.1",
                "HTTP/1.",
                "HTTP/11",
                "",
                "HTTP/1.1\u0000"),
            Arbitraries.strings()
                .withCharRange('\u0000', '\u00ff')
                .ofMaxLength(12)
                .filter(s -> !s.contains("\r") && !s.contains("\n"))));
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.of(" ", " ", " ", "  ", "\t", "", "\u0000", " \u000b ");
  }

  @Provide
  Arbitrary<String> routes() {
    return Arbitraries.strings().ofMinLength(0).ofMaxLength(3);
  }

  @Provide
  Arbitrary<String> headerNames() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.of(
                "Authorization",
                "CF-KV-Metadata",
                "X-Flarekv-Namespace",
                "Content-Type",
                "Expect",
                "Connection",
                "Host",
                "Content-Encoding",
                "Upgrade",
                "Transfer-Encoding "),
            Arbitraries.strings()
                .withCharRange('\u0021', '\u00ff')
                .ofMinLength(1)
                .ofMaxLength(30)
                .filter(s -> !s.contains(":")),
            Arbitraries.of("", " X", "X Y", "X\u0000Y", "\u00ff\u00fe")));
  }

  @Provide
  Arbitrary<String> headerValues() {
    return Arbitraries.oneOf(
        List.of(
            badText(),
            Arbitraries.of(
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "100-continue",
                "nonsense-expectation",
                "close",
                "Bearer " + TestServer.TOKEN + "\u0000",
                "Bearer \u00e9\u00ff",
                "gzip",
                "websocket",
                "{\"a\":",
                "\"\u00c3\u0028\"",
                "0123456789abcdef0123456789abcdef"),
            Arbitraries.integers().between(60 * 1024, 70 * 1024).map("h"::repeat),
            Arbitraries.strings()
                .withCharRange('\u0000', '\u00ff')
                .ofMaxLength(200)
                .filter(s -> !s.contains("\r") && !s.contains("\n"))));
  }

  @Provide
  Arbitrary<String> numbers() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.of(
                "-1",
                "0",
                "-0",
                "1.5",
                "-1.5",
                "60.0",
                "1e3",
                "1E400",
                "-1e-400",
                "0.1e1",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "99999999999999999999999999999999",
                "NaN",
                "Infinity",
                "-Infinity",
                "0x3c",
                "+60",
                " 60",
                "60 ",
                "",
                "\u0663\u0660",
                "\uff16\uff10",
                "1_000",
                "60abc",
                "true",
                "null",
                "[]",
                "{}",
                "253402300800",
                "253402300799",
                "1700000061",
                "2147483648",
                "-2147483649",
                "30",
                "10",
                "1000",
                "1001",
                "9"),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(400),
            Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 999))
                .as((a, b) -> a + "." + b),
            Arbitraries.doubles().map(String::valueOf)));
  }

  @Provide
  Arbitrary<Integer> numericParams() {
    return Arbitraries.integers().between(0, 12);
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.integers().between(60, 70),
            Arbitraries.integers().between(1, 2000),
            Arbitraries.of(10_000, 100_000, 1_000_000)));
  }

  @Provide
  Arbitrary<Integer> jsonPlaces() {
    return Arbitraries.integers().between(0, 7);
  }

  @Provide
  Arbitrary<Integer> utf8Places() {
    return Arbitraries.integers().between(0, 4);
  }

  /** Invalid percent-escapes, overlong and truncated UTF-8, raw high bytes, controls. */
  @Provide
  Arbitrary<String> badText() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.of(
                    "%",
                    "%%",
                    "%4",
                    "%zz",
                    "%G0",
                    "%e2%28%a1",
                    "%c3%28",
                    "%c0%af",
                    "%ed%a0%80",
                    "%f8%88%80%80%80",
                    "%ff",
                    "%80",
                    "%e2%82",
                    "%f0%9f%98",
                    "%00",
                    "%0d%0a",
                    "%2e%2e",
                    "..",
                    ".",
                    "+",
                    "%2F",
                    "\u00c3\u0028",
                    "\u00ff",
                    "\u0080",
                    "\u00ed\u00a0\u0080",
                    "a",
                    "%25",
                    "&",
                    "=",
                    "#",
                    "?",
                    ";",
                    "\u0000",
                    "\t"),
                Arbitraries.strings()
                    .withCharRange('\u0000', '\u00ff')
                    .ofMaxLength(8)
                    .filter(s -> !s.contains("\r") && !s.contains("\n") && !s.contains(" "))));
    return pieces.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
  }

  // ------------------------------------------------------------------ the exchange

  /** One response: status, reason phrase, lower-cased headers, body. */
  record Outcome(int status, String reason, String headers, byte[] body) {}

  /**
   * Sends one hostile request on a fresh connection and checks the answer: a 4xx of the listener's
   * kind, a 2xx, or a closed connection; never a 5xx, never silence. Then a well-behaved client
   * must still be served.
   */
  private static Outcome check(boolean binding, byte[] request) throws Exception {
    tried.incrementAndGet();
    Outcome outcome;
    try (Socket s = connect(binding)) {
      try {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // closed while we were still sending; an answer may be waiting anyway
      }
      outcome = read(s.getInputStream());
    }
    String what = (binding ? "binding " : "rest ") + preview(request);
    if (outcome == null) {
      closed.incrementAndGet();
    } else {
      assertThat(outcome.status)
          .as("status of %s", what)
          .isLessThan(500)
          .isGreaterThanOrEqualTo(200);
      if (outcome.status >= 400) {
        answered4xx.incrementAndGet();
        assertErrorShape(binding, outcome, what);
      } else {
        accepted2xx.incrementAndGet();
      }
    }
    wellBehavedClient();
    return outcome == null ? new Outcome(-1, "", "", new byte[0]) : outcome;
  }

  private static void assertErrorShape(boolean binding, Outcome o, String what) {
    if (binding) {
      assertThat(o.reason).as("reason phrase of %s", what).isNotBlank();
      assertThat(o.headers).as("content type of %s", what).contains("content-type: text/plain");
      if (o.status != 404) {
        // everything but "key not found" names its cause, which workerd shows to the Worker
        assertThat(new String(o.body, StandardCharsets.UTF_8)).as("body of %s", what).isNotBlank();
      }
    } else {
      JsonNode envelope = KvJson.parse(o.body);
      assertThat(envelope.path("success").asBoolean(true)).as("envelope of %s", what).isFalse();
      assertThat(envelope.path("errors").path(0).path("code").asInt()).as(what).isPositive();
    }
  }

  private static Socket connect(boolean binding) throws IOException {
    Socket s = new Socket();
    s.connect(
        new InetSocketAddress("127.0.0.1", binding ? server.bindingPort() : server.port()), 5000);
    // the server's idle timeout (1 s) must end any wait long before this
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads one final response (skipping 100 Continue); null when the server closed first. */
  private static Outcome read(InputStream in) throws IOException {
    while (true) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int last4 = 0;
      try {
        while (last4 != 0x0d0a0d0a) {
          int c = in.read();
          if (c < 0) {
            return null;
          }
          head.write(c);
          last4 = (last4 << 8) | c;
          if (head.size() > 1 << 20) {
            throw new AssertionError("response head over 1 MiB");
          }
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer and no close within 10 s", e);
      } catch (IOException e) {
        return null; // reset by the server
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      String statusLine = text.substring(0, text.indexOf("\r\n"));
      int status = Integer.parseInt(statusLine.substring(9, 12));
      String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
      String lower = text.toLowerCase(Locale.ROOT);
      if (status == 100) {
        continue;
      }
      int idx = lower.indexOf("content-length:");
      int length = 0;
      if (idx >= 0) {
        length = Integer.parseInt(lower.substring(idx + 15, lower.indexOf('\r', idx)).trim());
      }
      byte[] body;
      try {
        body = in.readNBytes(length);
      } catch (IOException e) {
        return null;
      }
      return new Outcome(status, reason, lower, body);
    }
  }

  /** Streams 1 MiB chunks that never end until the server answers or closes; returns bytes sent. */
  private static long streamUntilAnswered(boolean binding, String path) throws Exception {
    tried.incrementAndGet();
    byte[] chunk = new byte[1 << 20];
    byte[] chunkHead = latin1(Integer.toHexString(chunk.length) + "\r\n");
    byte[] crlf = latin1("\r\n");
    long sent = 0;
    try (Socket s = connect(binding)) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(
          latin1(
              "PUT "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + AUTH
                  + "Transfer-Encoding: chunked\r\n\r\n"));
      try {
        while (in.available() == 0 && sent < 4L * MAX_BODY) {
          out.write(chunkHead);
          out.write(chunk);
          out.write(crlf);
          sent += chunk.length;
        }
      } catch (IOException e) {
        // the server stopped reading and closed: expected
      }
      Outcome o = read(in);
      if (o == null) {
        closed.incrementAndGet();
      } else {
        assertThat(o.status).as("endless body to %s", path).isEqualTo(413);
        assertErrorShape(binding, o, "endless chunked body to " + path);
        answered4xx.incrementAndGet();
      }
    }
    return sent;
  }

  /** A correct PUT then GET on each listener; the value read back must be the value written. */
  private static void wellBehavedClient() {
    long n = wellBehaved.incrementAndGet();
    String key = "good-" + (n % 64);
    String value = "value " + n + " " + "\u00e9".repeat((int) (n % 7));
    TestServer.Reply put = server.put(restValue(key), value);
    assertThat(put.status()).as("well-behaved PUT #%d: %s", n, put).isEqualTo(200);
    TestServer.Reply get = server.get(restValue(key));
    assertThat(get.status()).as("well-behaved GET #%d", n).isEqualTo(200);
    assertThat(get.text()).isEqualTo(value);
    if (n % 8 == 0) {
      TestServer.Reply viaBinding =
          server.binding(
              "GET",
              "/" + key + "?urlencoded=true",
              HttpRequest.BodyPublishers.noBody(),
              "Authorization",
              "Bearer " + TestServer.TOKEN,
              "X-Flarekv-Namespace",
              nsId);
      assertThat(viaBinding.status()).isEqualTo(200);
      assertThat(viaBinding.text()).isEqualTo(value);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String ns() {
    return TestServer.ns(nsId);
  }

  private static String restValue(String rawKey) {
    return ns() + "/values/" + rawKey;
  }

  /** A request with a Content-Length body (UTF-8). */
  private static byte[] rest(String method, String target, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        latin1(
            method
                + " "
                + target
                + " HTTP/1.1\r\nHost: x\r\n"
                + AUTH
                + "Content-Type: application/json\r\nContent-Length: "
                + b.length
                + "\r\n\r\n");
    byte[] all = new byte[head.length + b.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(b, 0, all, head.length, b.length);
    return all;
  }

  private static byte[] multipart(String target, String metadata) {
    String boundary = "fuzzboundary";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"value\"\r\n\r\nv\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
            + metadata
            + "\r\n--"
            + boundary
            + "--\r\n";
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "PUT "
            + target
            + " HTTP/1.1\r\nHost: x\r\n"
            + AUTH
            + "Content-Type: multipart/form-data; boundary="
            + boundary
            + "\r\nContent-Length: "
            + b.length
            + "\r\n\r\n";
    List<byte[]> parts = new ArrayList<>(List.of(latin1(head), b));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static String quote(String s) {
    return TestServer.quote(s);
  }

  /** One byte per char (chars above 0xff are sent as UTF-8). */
  private static byte[] latin1(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xff) {
        return s.getBytes(StandardCharsets.UTF_8);
      }
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String preview(byte[] request) {
    String s = new String(request, 0, Math.min(request.length, 300), StandardCharsets.ISO_8859_1);
    return s.replace("\r", "\\r").replace("\n", "\\n") + (request.length > 300 ? "..." : "");
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
