package dev.flarekv.server.crash;

import dev.flarekv.server.testkit.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crash under load: a flarekv server in a child JVM is SIGKILLed again and again under load and
 * restarted on the same data dir; after every restart {@link CrashVerifier} compares the store with
 * what the clients were told ({@link CrashModel}). The load per cycle:
 *
 * <ul>
 *   <li>8 small writers ({@link KeyClient}), each on its own keys: REST raw and multipart puts,
 *       binding puts (metadata in {@code CF-KV-Metadata}), REST and binding deletes, small bulk
 *       puts and bulk deletes; values 100 B to 1 MiB, two thirds with an expiration;
 *   <li>a bulk writer: bulk puts of {@code minBulk}-{@code maxBulk} keys, each on keys of its own,
 *       and bulk deletes of whole earlier bulks;
 *   <li>a namespace writer: creates a namespace, fills it with 1-3 bulks, deletes it.
 * </ul>
 *
 * The kill lands at a random moment, or (every cycle in turn) a few milliseconds after a namespace
 * delete or a large bulk was sent. Documented in docs/reliability.md; run through {@link
 * CrashUnderLoadTest}. System properties: {@code flarekv.crash.kills} (default 20), {@code
 * flarekv.crash.sync}, {@code flarekv.crash.jar} (run {@code java -jar <jar> serve} instead of the
 * test classpath's ServerMain), {@code flarekv.crash.seed}, {@code flarekv.crash.minBulk} (1000),
 * {@code flarekv.crash.maxBulk} (10000).
 */
public final class CrashUnderLoad {
  private static final Pattern PORT =
      Pattern.compile("^PORT (\\d+)|CLOUDFLARE_API_BASE_URL=http://127\\.0\\.0\\.1:(\\d+)/");
  private static final Pattern BINDING_PORT =
      Pattern.compile("BINDING_PORT (\\d+)|FLAREKV_BINDING_ADDRESS=127\\.0\\.0\\.1:(\\d+)");

  /** The outcome of a run. */
  public record Result(
      int kills,
      long acknowledgedWrites,
      long acknowledgedKeyWrites,
      long inFlightAtKill,
      long lost,
      long keysChecked,
      long presentWithMetadataAndExpiration,
      long bulkItemsAcknowledged,
      long namespaceDeletesAcknowledged,
      long namespaceKeysDeleted,
      long[] bulkPutsInFlight,
      long[] bulkDeletesInFlight,
      long[] namespaceDeletesInFlight,
      List<String> problems) {
    public String summary() {
      return String.format(
          "acknowledged %d, lost %d (%d kills; %d acknowledged small-key writes, %d bulk items"
              + " acknowledged, %d namespace deletes acknowledged (%d keys); in flight at a kill:"
              + " %d requests, of them bulk puts %d landed / %d not, bulk deletes %d / %d,"
              + " namespace deletes %d / %d; %d key checks; at the end %d small keys had metadata"
              + " and an expiration)",
          acknowledgedWrites,
          lost,
          kills,
          acknowledgedKeyWrites,
          bulkItemsAcknowledged,
          namespaceDeletesAcknowledged,
          namespaceKeysDeleted,
          inFlightAtKill,
          bulkPutsInFlight[0],
          bulkPutsInFlight[1],
          bulkDeletesInFlight[0],
          bulkDeletesInFlight[1],
          namespaceDeletesInFlight[0],
          namespaceDeletesInFlight[1],
          keysChecked,
          presentWithMetadataAndExpiration);
    }
  }

  private final Path dataDir;
  private final int kills;
  private final boolean sync;
  private final String jar;
  private final Random random;
  private final int minBulk;
  private final int maxBulk;
  private final CrashModel model = new CrashModel();
  private final CrashVerifier verifier;

  public CrashUnderLoad(
      Path dataDir, int kills, boolean sync, String jar, long seed, int minBulk, int maxBulk) {
    this.dataDir = dataDir;
    this.kills = kills;
    this.sync = sync;
    this.jar = jar;
    this.random = new Random(seed);
    this.minBulk = minBulk;
    this.maxBulk = maxBulk;
    this.verifier = new CrashVerifier(model, random.nextLong());
    System.out.println("crash under load: seed " + seed);
  }

  /** Configured from system properties. */
  public static CrashUnderLoad fromSystemProperties(Path dataDir) {
    return new CrashUnderLoad(
        dataDir,
        Integer.getInteger("flarekv.crash.kills", 20),
        Boolean.getBoolean("flarekv.crash.sync"),
        System.getProperty("flarekv.crash.jar"),
        Long.getLong("flarekv.crash.seed", System.nanoTime()),
        Integer.getInteger("flarekv.crash.minBulk", 1_000),
        Integer.getInteger("flarekv.crash.maxBulk", 10_000));
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("flarekv-crash");
    Result r = fromSystemProperties(dir).run();
    System.exit(r.lost() == 0 && r.problems().isEmpty() ? 0 : 1);
  }

  /** Runs every kill cycle, then a final check after a last restart. */
  public Result run() throws Exception {
    int done = 0;
    KillTrigger.Mode[] modes = KillTrigger.Mode.values();
    for (int cycle = 0; cycle <= kills; cycle++) {
      long started = System.nanoTime();
      Process server = startServer();
      try {
        int[] ports = awaitPorts(server);
        long up = System.nanoTime();
        CrashHttp http = new CrashHttp(ports[0], ports[1]);
        if (model.mainNamespace == null) {
          model.mainNamespace = createNamespace(http);
        }
        verifier.verify(http);
        long verified = System.nanoTime();
        if (cycle == kills) {
          System.out.printf("final check: %d ms%n", (verified - started) / 1_000_000);
          break;
        }
        KillTrigger trigger = new KillTrigger(modes[cycle % modes.length]);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = startWriters(ports, running, trigger);
        Thread.sleep(100 + random.nextInt(600)); // load before the trigger is armed
        String at = "random moment";
        if (trigger.mode != KillTrigger.Mode.RANDOM) {
          if (trigger.await(30)) {
            int delay = trigger.delayMillis(random);
            Thread.sleep(delay);
            at = "+" + delay + " ms after " + trigger.what();
          } else {
            at = "no " + trigger.mode + " within 30 s, at random";
          }
        }
        model.killNanos = System.nanoTime();
        server.destroyForcibly(); // SIGKILL
        server.waitFor(30, TimeUnit.SECONDS);
        running.set(false);
        for (Thread t : writers) {
          t.join(60_000);
          if (t.isAlive()) {
            model.problem(t.getName() + " still running 60 s after the kill");
          }
        }
        done++;
        System.out.printf(
            "kill %d/%d (%s): exit %d; start %d ms, check %d ms, load %d ms; acknowledged %d%n",
            done,
            kills,
            at,
            server.exitValue(),
            (up - started) / 1_000_000,
            (verified - up) / 1_000_000,
            (System.nanoTime() - verified) / 1_000_000,
            model.acknowledgedWrites.get());
      } finally {
        if (server.isAlive()) {
          server.destroyForcibly();
          server.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
    Result result = result(done);
    System.out.println(result.summary());
    result.problems().forEach(p -> System.out.println("PROBLEM " + p));
    return result;
  }

  private List<Thread> startWriters(int[] ports, AtomicBoolean running, KillTrigger trigger) {
    List<Thread> writers = new ArrayList<>();
    for (int c = 0; c < CrashModel.CLIENTS; c++) {
      CrashHttp own = new CrashHttp(ports[0], ports[1]);
      writers.add(
          new Thread(
              new KeyClient(c, model, own, running, random.nextLong()), "crash-client-" + c));
    }
    LargeWriters bulks =
        new LargeWriters(
            model,
            new CrashHttp(ports[0], ports[1]),
            running,
            trigger,
            random.nextLong(),
            minBulk,
            maxBulk);
    LargeWriters spaces =
        new LargeWriters(
            model,
            new CrashHttp(ports[0], ports[1]),
            running,
            trigger,
            random.nextLong(),
            minBulk,
            Math.max(minBulk, maxBulk / 2));
    writers.add(new Thread(bulks::bulks, "crash-bulks"));
    writers.add(new Thread(spaces::namespaces, "crash-namespaces"));
    writers.forEach(Thread::start);
    return writers;
  }

  private Result result(int done) {
    long withMetaAndExpiration =
        model.keys.stream()
            .filter(
                k -> {
                  synchronized (k) {
                    return k.acknowledged.metadata() != null && k.acknowledged.expiration() != 0;
                  }
                })
            .count();
    synchronized (model.problems) {
      return new Result(
          done,
          model.acknowledgedWrites.get(),
          model.acknowledgedKeyWrites.get(),
          model.inFlightAtKill.get(),
          model.lost,
          model.keysChecked,
          withMetaAndExpiration,
          model.bulkItemsAcknowledged.get(),
          model.namespaceDeletesAcknowledged.get(),
          model.namespaceKeysDeleted.get(),
          model.bulkPutsInFlight.clone(),
          model.bulkDeletesInFlight.clone(),
          model.namespaceDeletesInFlight.clone(),
          List.copyOf(model.problems));
    }
  }

  private Process startServer() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1");
    if (jar != null) {
      cmd.addAll(List.of("-jar", jar, "serve", "--port", "0", "--binding-port", "auto"));
      cmd.addAll(List.of("--data-dir", dataDir.toString(), "--api-token", TestServer.TOKEN));
      cmd.addAll(List.of("--account-id", TestServer.ACCOUNT));
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

  /** The REST and binding ports from the server's output. */
  private static int[] awaitPorts(Process server) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    int binding = 0;
    String line;
    while ((line = out.readLine()) != null) {
      Matcher b = BINDING_PORT.matcher(line);
      if (b.find()) {
        binding = Integer.parseInt(b.group(1) != null ? b.group(1) : b.group(2));
      }
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> drain(out), "crash-server-output");
        drain.setDaemon(true);
        drain.start();
        if (binding == 0) {
          throw new IllegalStateException("no binding port before: " + line);
        }
        return new int[] {Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)), binding};
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

  private static String createNamespace(CrashHttp http) throws Exception {
    byte[] body = "{\"title\":\"crash-under-load\"}".getBytes(StandardCharsets.UTF_8);
    CrashHttp.Reply r = http.rest("POST", TestServer.ns(), "application/json", body);
    return CrashHttp.expect200(r, "create namespace").json().path("result").path("id").asText();
  }
}
