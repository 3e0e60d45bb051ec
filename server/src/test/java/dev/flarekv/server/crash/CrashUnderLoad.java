package dev.flarekv.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.testkit.MultipartBody;
import dev.flarekv.server.testkit.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crash under load: 8 clients drive a mix of put (raw and multipart with metadata, some with an
 * expiration), delete, bulk put and bulk delete against a flarekv server in a child JVM, which is
 * SIGKILLed at random moments and restarted on the same data dir. After every restart each key must
 * hold its last acknowledged state, or one of the states of writes that were in flight when the
 * server died (those may land either way).
 *
 * <p>Each client owns the keys {@code k-<client>-*}, so the writes to one key are sequential and
 * "last acknowledged" is well defined.
 *
 * <p>Run on its own (20 kills, see docs/reliability.md) or through {@link CrashUnderLoadTest}.
 * System properties: {@code flarekv.crash.kills} (default 5), {@code flarekv.crash.sync} ({@code
 * --sync}, default false), {@code flarekv.crash.jar} (run {@code java -jar <jar> serve} instead of
 * the test classpath's ServerMain), {@code flarekv.crash.seed}, {@code flarekv.crash.maxSeconds}
 * (default 75, or 20 per kill).
 */
public final class CrashUnderLoad {
  static final int CLIENTS = 8;
  static final int KEYS_PER_CLIENT = 32;
  private static final Pattern PORT =
      Pattern.compile("^PORT (\\d+)|CLOUDFLARE_API_BASE_URL=http://127\\.0\\.0\\.1:(\\d+)/");

  /** A key's content; {@link #ABSENT} for a deleted or never written key. */
  record State(String value, String metadata, long expiration) {
    static final State ABSENT = new State(null, null, 0);

    boolean present() {
      return value != null;
    }

    @Override
    public String toString() {
      if (!present()) {
        return "<absent>";
      }
      String v =
          value.length() > 40 ? value.substring(0, 40) + "...(" + value.length() + ")" : value;
      return v + " meta=" + metadata + " exp=" + expiration;
    }
  }

  /** What the clients know about one key. Guarded by itself. */
  static final class KeyModel {
    final String name;
    State acknowledged = State.ABSENT;
    final Set<State> maybe = new HashSet<>();

    KeyModel(String name) {
      this.name = name;
    }
  }

  /** The outcome of a run. */
  public record Result(
      int kills,
      long acknowledgedWrites,
      long acknowledgedKeyWrites,
      long inFlightAtKill,
      long lost,
      long keysChecked,
      long presentWithMetadataAndExpiration,
      List<String> problems) {
    public String summary() {
      return "acknowledged "
          + acknowledgedWrites
          + ", lost "
          + lost
          + " ("
          + kills
          + " kills, "
          + acknowledgedKeyWrites
          + " acknowledged key writes, "
          + inFlightAtKill
          + " writes in flight at a kill, "
          + keysChecked
          + " key checks; at the end "
          + presentWithMetadataAndExpiration
          + " keys had metadata and an expiration)";
    }
  }

  private final Path dataDir;
  private final int kills;
  private final boolean sync;
  private final String jar;
  private final Random random;
  private final long deadlineNanos;
  private final List<KeyModel> keys = new ArrayList<>();
  private final AtomicLong acknowledgedWrites = new AtomicLong();
  private final AtomicLong acknowledgedKeyWrites = new AtomicLong();
  private final AtomicLong inFlightAtKill = new AtomicLong();
  private final List<String> problems = new ArrayList<>();
  private long lost;
  private long keysChecked;
  private String namespaceId;

  public CrashUnderLoad(
      Path dataDir, int kills, boolean sync, String jar, long seed, Duration maxTime) {
    this.dataDir = dataDir;
    this.kills = kills;
    this.sync = sync;
    this.jar = jar;
    this.random = new Random(seed);
    this.deadlineNanos = System.nanoTime() + maxTime.toNanos();
    for (int c = 0; c < CLIENTS; c++) {
      for (int k = 0; k < KEYS_PER_CLIENT; k++) {
        keys.add(new KeyModel("k-" + c + "-" + k));
      }
    }
  }

  /** Configured from system properties. */
  public static CrashUnderLoad fromSystemProperties(Path dataDir) {
    int kills = Integer.getInteger("flarekv.crash.kills", 5);
    return new CrashUnderLoad(
        dataDir,
        kills,
        Boolean.getBoolean("flarekv.crash.sync"),
        System.getProperty("flarekv.crash.jar"),
        Long.getLong("flarekv.crash.seed", System.nanoTime()),
        Duration.ofSeconds(Long.getLong("flarekv.crash.maxSeconds", Math.max(75, kills * 20L))));
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("flarekv-crash");
    Result r = fromSystemProperties(dir).run();
    System.exit(r.lost() == 0 && r.problems().isEmpty() ? 0 : 1);
  }

  /** Runs every kill cycle, then a final check after a last restart. */
  public Result run() throws Exception {
    int done = 0;
    for (int cycle = 0; cycle <= kills; cycle++) {
      Process server = startServer();
      try {
        String origin = "http://127.0.0.1:" + awaitPort(server);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        if (namespaceId == null) {
          namespaceId = createNamespace(http, origin);
        }
        verify(http, origin);
        if (cycle == kills || System.nanoTime() > deadlineNanos) {
          break;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          Client client = new Client(c, origin, running, random.nextLong());
          Thread t = new Thread(client, "crash-client-" + c);
          t.start();
          clients.add(t);
        }
        Thread.sleep(500 + random.nextInt(2000)); // a random moment under load
        server.destroyForcibly(); // SIGKILL
        server.waitFor(30, TimeUnit.SECONDS);
        running.set(false);
        for (Thread t : clients) {
          t.join(60_000);
        }
        done++;
        System.out.printf(
            "kill %d/%d: exit %d, acknowledged so far %d%n",
            done, kills, server.exitValue(), acknowledgedWrites.get());
      } finally {
        if (server.isAlive()) {
          server.destroyForcibly();
          server.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
    Result result =
        new Result(
            done,
            acknowledgedWrites.get(),
            acknowledgedKeyWrites.get(),
            inFlightAtKill.get(),
            lost,
            keysChecked,
            keys.stream()
                .filter(
                    k -> {
                      synchronized (k) {
                        return k.acknowledged.metadata() != null
                            && k.acknowledged.expiration() != 0;
                      }
                    })
                .count(),
            List.copyOf(problems));
    System.out.println(result.summary());
    problems.forEach(p -> System.out.println("PROBLEM " + p));
    return result;
  }

  private Process startServer() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1");
    if (jar != null) {
      cmd.addAll(List.of("-jar", jar, "serve", "--port", "0", "--binding-port", "0"));
      cmd.addAll(List.of("--data-dir", dataDir.toString(), "--api-token", TestServer.TOKEN));
      if (sync) {
        cmd.add("--sync");
      }
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
      cmd.addAll(List.of("dev.flarekv.server.testkit.ServerMain", dataDir.toString()));
      cmd.add(sync ? "sync" : "nosync");
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static int awaitPort(Process server) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> drain(out), "crash-server-output");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("server did not start:\n" + seen);
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // keep the pipe empty so the server never blocks on its output
      }
    } catch (IOException ignored) {
      // the server died
    }
  }

  private String createNamespace(HttpClient http, String origin) throws Exception {
    HttpResponse<String> r =
        http.send(
            request(origin + TestServer.ns())
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"crash-under-load\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("create namespace: " + r.statusCode() + " " + r.body());
    }
    return KvJson.parse(r.body().getBytes(StandardCharsets.UTF_8))
        .path("result")
        .path("id")
        .asText();
  }

  static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TestServer.TOKEN);
  }

  /**
   * Reads every key back (bulk get with metadata and expiration) and compares it with the model.
   * What is found becomes the new acknowledged state: it has survived a restart.
   */
  private void verify(HttpClient http, String origin) throws Exception {
    String base = origin + TestServer.ns(namespaceId);
    for (int from = 0; from < keys.size(); from += 100) {
      List<KeyModel> batch = keys.subList(from, Math.min(keys.size(), from + 100));
      ObjectNode body = KvJson.mapper().createObjectNode();
      ArrayNode names = body.putArray("keys");
      batch.forEach(k -> names.add(k.name));
      body.put("withMetadata", true);
      HttpResponse<byte[]> r =
          http.send(
              request(base + "/bulk/get")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "bulk get: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
      }
      JsonNode values = KvJson.parse(r.body()).path("result").path("values");
      for (KeyModel key : batch) {
        JsonNode v = values.path(key.name);
        State found =
            v.isNull() || v.isMissingNode()
                ? State.ABSENT
                : new State(
                    v.path("value").asText(),
                    v.path("metadata").isNull() ? null : v.path("metadata").toString(),
                    v.path("expiration").asLong(0));
        synchronized (key) {
          keysChecked++;
          if (!same(found, key.acknowledged) && key.maybe.stream().noneMatch(s -> same(found, s))) {
            lost++;
            problems.add(
                key.name
                    + ": found "
                    + found
                    + ", acknowledged "
                    + key.acknowledged
                    + ", in flight "
                    + key.maybe);
          }
          key.acknowledged = found;
          key.maybe.clear();
        }
      }
    }
  }

  private static boolean same(State found, State expected) {
    if (found.present() != expected.present()) {
      return false;
    }
    if (!found.present()) {
      return true;
    }
    return found.value().equals(expected.value())
        && found.expiration() == expected.expiration()
        && sameJson(found.metadata(), expected.metadata());
  }

  private static boolean sameJson(String a, String b) {
    if (a == null || b == null) {
      return Objects.equals(a, b);
    }
    return KvJson.parse(a.getBytes(StandardCharsets.UTF_8))
        .equals(KvJson.parse(b.getBytes(StandardCharsets.UTF_8)));
  }

  /** One client: sequential writes to its own keys until the server dies. */
  private final class Client implements Runnable {
    private final int id;
    private final String base;
    private final AtomicBoolean running;
    private final Random rnd;
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private long seq;

    Client(int id, String origin, AtomicBoolean running, long seed) {
      this.id = id;
      this.base = origin + TestServer.ns(namespaceId);
      this.running = running;
      this.rnd = new Random(seed);
    }

    private KeyModel key(int k) {
      return keys.get(id * KEYS_PER_CLIENT + k);
    }

    private State newState() {
      seq++;
      int size = rnd.nextInt(20) == 0 ? 65_536 + rnd.nextInt(100_000) : 10 + rnd.nextInt(2_000);
      StringBuilder v = new StringBuilder("v-" + id + "-" + seq + "-" + System.nanoTime() + "-");
      while (v.length() < size) {
        v.append((char) ('a' + rnd.nextInt(26)));
      }
      String metadata =
          rnd.nextBoolean() ? null : "{\"client\":" + id + ",\"seq\":" + seq + ",\"tag\":[\"x\"]}";
      long expiration =
          rnd.nextInt(3) == 0
              ? 0
              : System.currentTimeMillis() / 1000 + 86_400 + rnd.nextInt(86_400);
      return new State(v.toString(), metadata, expiration);
    }

    @Override
    public void run() {
      while (running.get()) {
        int op = rnd.nextInt(10);
        List<KeyModel> touched = new ArrayList<>();
        List<State> states = new ArrayList<>();
        HttpRequest request;
        if (op < 5) { // put
          KeyModel k = key(rnd.nextInt(KEYS_PER_CLIENT));
          State s = newState();
          touched.add(k);
          states.add(s);
          String url =
              base
                  + "/values/"
                  + URLEncoder.encode(k.name, StandardCharsets.UTF_8)
                  + (s.expiration() == 0 ? "" : "?expiration=" + s.expiration());
          request =
              s.metadata() == null
                  ? request(url).PUT(HttpRequest.BodyPublishers.ofString(s.value())).build()
                  : request(url)
                      .header("Content-Type", MultipartBody.CONTENT_TYPE)
                      .PUT(
                          HttpRequest.BodyPublishers.ofByteArray(
                              MultipartBody.of("value", s.value(), s.metadata())))
                      .build();
        } else if (op < 7) { // delete
          KeyModel k = key(rnd.nextInt(KEYS_PER_CLIENT));
          touched.add(k);
          states.add(State.ABSENT);
          request = request(base + "/values/" + k.name).DELETE().build();
        } else if (op < 9) { // bulk put
          ArrayNode items = KvJson.mapper().createArrayNode();
          int n = 2 + rnd.nextInt(8);
          Set<Integer> picked = new HashSet<>();
          for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(KEYS_PER_CLIENT);
            if (!picked.add(k)) {
              continue;
            }
            State s = newState();
            touched.add(key(k));
            states.add(s);
            ObjectNode item = items.addObject().put("key", key(k).name).put("value", s.value());
            if (s.metadata() != null) {
              item.set("metadata", KvJson.parse(s.metadata().getBytes(StandardCharsets.UTF_8)));
            }
            if (s.expiration() != 0) {
              item.put("expiration", s.expiration());
            }
          }
          request =
              request(base + "/bulk")
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(items.toString()))
                  .build();
        } else { // bulk delete
          ArrayNode names = KvJson.mapper().createArrayNode();
          Set<Integer> picked = new HashSet<>();
          for (int i = 0; i < 3; i++) {
            int k = rnd.nextInt(KEYS_PER_CLIENT);
            if (picked.add(k)) {
              touched.add(key(k));
              states.add(State.ABSENT);
              names.add(key(k).name);
            }
          }
          request =
              request(base + "/bulk/delete")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(names.toString()))
                  .build();
        }
        for (int i = 0; i < touched.size(); i++) {
          synchronized (touched.get(i)) {
            touched.get(i).maybe.add(states.get(i));
          }
        }
        int status;
        String body = "";
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          status = r.statusCode();
          body = r.body();
        } catch (IOException e) {
          status = -1; // the server died with this write in flight: it may or may not have landed
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (status == 200) {
          acknowledgedWrites.incrementAndGet();
          acknowledgedKeyWrites.addAndGet(touched.size());
          for (int i = 0; i < touched.size(); i++) {
            KeyModel k = touched.get(i);
            synchronized (k) {
              k.acknowledged = states.get(i);
              k.maybe.clear();
            }
          }
        } else {
          if (status != -1) {
            synchronized (problems) {
              problems.add("unexpected status " + status + " for " + request.uri() + ": " + body);
            }
          }
          inFlightAtKill.incrementAndGet();
          return; // the server is gone; the cycle ends
        }
      }
    }
  }
}
