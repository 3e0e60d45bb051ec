package dev.flarekv.server.modes.faults;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.RawHttp;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A real server for the fault tests, with one namespace and both surfaces' requests at hand. */
final class FaultsHarness implements AutoCloseable {
  static final String SCOPED = "scoped-token-for-one-account";

  final TestServer server;
  final String ns;

  private FaultsHarness(TestServer server) {
    this.server = server;
    this.ns = server.createNamespace("faults");
  }

  static FaultsHarness start(Path dir, Modes modes) {
    return new FaultsHarness(
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withModes(modes)
                    .withScopedTokens(
                        List.of(new ScopedToken(SCOPED, List.of(TestServer.ACCOUNT))))));
  }

  @Override
  public void close() {
    server.close();
  }

  /** Adds a rule; returns its id. */
  String addRule(String json) {
    Reply r = server.postJson("/flarekv/v1/faults", json);
    if (r.status() != 200) {
      throw new AssertionError("adding " + json + " failed: " + r);
    }
    return r.result().path("id").asText();
  }

  Reply rules() {
    return server.get("/flarekv/v1/faults");
  }

  // ------------------------------------------------------------------ REST

  Reply restGet(String key) {
    return restGet(ns, key);
  }

  Reply restGet(String namespace, String key) {
    return server.get(TestServer.ns(namespace) + "/values/" + TestServer.encodeURIComponent(key));
  }

  Reply restMetadata(String key) {
    return server.get(TestServer.ns(ns) + "/metadata/" + TestServer.encodeURIComponent(key));
  }

  Reply restPut(String key, String value) {
    return restPut(ns, key, value);
  }

  Reply restPut(String namespace, String key, String value) {
    return server.put(
        TestServer.ns(namespace) + "/values/" + TestServer.encodeURIComponent(key), value);
  }

  Reply restDelete(String key) {
    return server.delete(TestServer.ns(ns) + "/values/" + TestServer.encodeURIComponent(key));
  }

  Reply restList(String prefix) {
    return server.get(
        TestServer.ns(ns)
            + "/keys"
            + (prefix == null ? "" : "?prefix=" + TestServer.encodeURIComponent(prefix)));
  }

  Reply restBulkGet(String... keys) {
    StringBuilder body = new StringBuilder("{\"keys\":[");
    for (int i = 0; i < keys.length; i++) {
      body.append(i == 0 ? "" : ",").append(TestServer.quote(keys[i]));
    }
    return server.postJson(TestServer.ns(ns) + "/bulk/get", body.append("]}").toString());
  }

  Reply restBulkPut(String key, String value) {
    return server.putJson(
        TestServer.ns(ns) + "/bulk",
        "[{\"key\":" + TestServer.quote(key) + ",\"value\":" + TestServer.quote(value) + "}]");
  }

  Reply restBulkDelete(String key) {
    return server.postJson(TestServer.ns(ns) + "/bulk/delete", "[" + TestServer.quote(key) + "]");
  }

  // ------------------------------------------------------------------ binding

  Reply bindGet(String key) {
    return bind("GET", "/" + TestServer.encodeURIComponent(key), null);
  }

  Reply bindPut(String key, String value) {
    return bind("PUT", "/" + TestServer.encodeURIComponent(key), value);
  }

  Reply bindDelete(String key) {
    return bind("DELETE", "/" + TestServer.encodeURIComponent(key), null);
  }

  Reply bindList(String prefix) {
    return bind("GET", "/?prefix=" + TestServer.encodeURIComponent(prefix), null);
  }

  Reply bind(String method, String path, String body) {
    return server.binding(
        method,
        path,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8),
        "Authorization",
        "Bearer " + TestServer.TOKEN,
        "X-Flarekv-Namespace",
        ns);
  }

  /** A binding GET of one key on a raw connection, to read the status line's reason phrase. */
  RawHttp.Response bindGetRaw(String key) {
    try (RawHttp http = new RawHttp(server.bindingPort())) {
      http.write(
          "GET /"
              + TestServer.encodeURIComponent(key)
              + " HTTP/1.1\r\nHost: fake-host\r\nAuthorization: Bearer "
              + TestServer.TOKEN
              + "\r\nX-Flarekv-Namespace: "
              + ns
              + "\r\n\r\n");
      return http.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
