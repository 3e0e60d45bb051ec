package dev.flarekv.server.modes.consistency;

import dev.flarekv.server.auth.ScopedToken;
import dev.flarekv.server.modes.Modes;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import dev.flarekv.storage.testkit.MutableClock;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * A real server in one consistency mode, with one namespace, and the binding requests of a Worker
 * at a given edge location ({@code X-Flarekv-Location}).
 */
final class Edge implements AutoCloseable {
  static final String SCOPED = "scoped-token-for-one-account";

  final TestServer server;
  final String ns;

  private Edge(TestServer server) {
    this.server = server;
    this.ns = server.createNamespace("edge");
  }

  /** A server with {@code --consistency eventual --random-seed seed}. */
  static Edge eventual(Path dir, long seed) {
    return start(dir, Modes.OFF.withConsistency(Modes.Consistency.EVENTUAL).withRandomSeed(seed));
  }

  static Edge start(Path dir, Modes modes) {
    return new Edge(
        TestServer.start(
            dir,
            List.of(TestServer.TOKEN),
            new MutableClock(TestServer.NOW_SECONDS * 1000),
            c ->
                c.withModes(modes)
                    .withScopedTokens(
                        List.of(new ScopedToken(SCOPED, List.of(TestServer.ACCOUNT))))));
  }

  void advance(long seconds) {
    server.clock().advanceSeconds(seconds);
  }

  /** A binding GET at the location (null: no location header); the value or null on 404. */
  String get(String location, String key) {
    return value(getReply(location, key, null));
  }

  /** A binding GET with {@code cache_ttl}. */
  String get(String location, String key, int cacheTtl) {
    return value(getReply(location, key, cacheTtl));
  }

  Reply getReply(String location, String key, Integer cacheTtl) {
    String query = cacheTtl == null ? "" : "&cache_ttl=" + cacheTtl;
    return bind(location, "GET", "/" + key + "?urlencoded=true" + query, null);
  }

  /** A binding PUT at the location. */
  Reply put(String location, String key, String value, String... query) {
    String q = query.length == 0 ? "" : "&" + String.join("&", query);
    Reply r = bind(location, "PUT", "/" + key + "?urlencoded=true" + q, value);
    return r;
  }

  /** A binding DELETE at the location. */
  Reply delete(String location, String key) {
    return bind(location, "DELETE", "/" + key + "?urlencoded=true", null);
  }

  /** A binding bulk get at the location: its JSON answer. */
  Reply bulkGet(String location, String body) {
    return bind(location, "POST", "/bulk/get", body);
  }

  /** A REST read: the value or null on 404. */
  String restGet(String key) {
    Reply r = server.get(TestServer.ns(ns) + "/values/" + key);
    return r.status() == 404 ? null : ok(r).text();
  }

  /** A REST write. */
  void restPut(String key, String value) {
    ok(server.put(TestServer.ns(ns) + "/values/" + key, value));
  }

  Reply bind(String location, String method, String path, String body) {
    List<String> headers =
        new java.util.ArrayList<>(
            List.of("Authorization", "Bearer " + TestServer.TOKEN, "X-Flarekv-Namespace", ns));
    if (location != null) {
      headers.add("X-Flarekv-Location");
      headers.add(location);
    }
    return server.binding(
        method,
        path,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body),
        headers.toArray(String[]::new));
  }

  static String value(Reply r) {
    if (r.status() == 404) {
      return null;
    }
    return ok(r).text();
  }

  static Reply ok(Reply r) {
    if (r.status() != 200) {
      throw new AssertionError("expected 200, got " + r);
    }
    return r;
  }

  @Override
  public void close() {
    server.close();
  }
}
