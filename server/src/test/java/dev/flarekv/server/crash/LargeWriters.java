package dev.flarekv.server.crash;

import dev.flarekv.server.crash.CrashModel.Bulk;
import dev.flarekv.server.crash.CrashModel.Phase;
import dev.flarekv.server.crash.CrashModel.Space;
import dev.flarekv.server.crash.CrashModel.State;
import dev.flarekv.server.testkit.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The two large writers: one puts and deletes bulks of {@code minBulk}-{@code maxBulk} keys in the
 * main namespace, the other creates namespaces, fills them with thousands of keys (bulks too) and
 * deletes them. Both announce their large requests to the cycle's {@link KillTrigger}.
 */
final class LargeWriters {
  private final CrashModel model;
  private final CrashHttp http;
  private final AtomicBoolean running;
  private final KillTrigger trigger;
  private final Random rnd;
  private final int minBulk;
  private final int maxBulk;

  LargeWriters(
      CrashModel model,
      CrashHttp http,
      AtomicBoolean running,
      KillTrigger trigger,
      long seed,
      int minBulk,
      int maxBulk) {
    this.model = model;
    this.http = http;
    this.running = running;
    this.trigger = trigger;
    this.rnd = new Random(seed);
    this.minBulk = minBulk;
    this.maxBulk = maxBulk;
  }

  /** Bulk puts and bulk deletes of whole bulks in the main namespace. */
  void bulks() {
    try {
      while (running.get()) {
        Bulk target = null;
        int present = 0;
        for (Bulk b : model.bulks()) {
          synchronized (b) {
            if (b.space == null && b.phase == Phase.PRESENT) {
              present++;
              target = b;
            }
          }
        }
        boolean ok =
            target != null && (present >= 2 || rnd.nextInt(3) == 0)
                ? deleteBulk(target)
                : putBulk(newBulk(null));
        if (!ok) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Namespaces: delete the ones left from earlier cycles, then create, fill, delete. */
  void namespaces() {
    try {
      for (Space s : model.spaces()) {
        boolean present;
        synchronized (s) {
          present = s.phase == Phase.PRESENT;
        }
        if (present && (!running.get() || !deleteSpace(s))) {
          return;
        }
      }
      while (running.get()) {
        Space s = createSpace();
        if (s == null) {
          return;
        }
        int bulks = 1 + rnd.nextInt(3);
        for (int i = 0; i < bulks; i++) {
          if (!running.get() || !putBulk(newBulk(s))) {
            return;
          }
        }
        if (!running.get() || !deleteSpace(s)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Bulk newBulk(Space space) {
    int size = minBulk + rnd.nextInt(maxBulk - minBulk + 1);
    long expiration = System.currentTimeMillis() / 1000 + 86_400 + rnd.nextInt(86_400);
    return model.newBulk(space, size, expiration);
  }

  private boolean putBulk(Bulk bulk) throws InterruptedException {
    StringBuilder json = new StringBuilder(bulk.size * 700).append('[');
    for (int i = 0; i < bulk.size; i++) {
      State s = bulk.item(i);
      json.append(i == 0 ? "" : ",").append("{\"key\":\"").append(bulk.key(i));
      json.append("\",\"value\":\"").append(s.value()).append("\",\"metadata\":");
      json.append(s.metadata());
      if (s.expiration() != 0) {
        json.append(",\"expiration\":").append(s.expiration());
      }
      json.append('}');
    }
    byte[] body = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    String ns = bulk.space == null ? model.mainNamespace : bulk.space.id;
    trigger.sending(KillTrigger.Mode.LARGE_BULK, "put " + bulk, expected(bulk));
    long start = System.nanoTime();
    bulk.sentNanos = start;
    CrashHttp.Reply r = send(() -> http.rest("PUT", CrashHttp.ns(ns) + "/bulk", JSON, body));
    if (r == null || r.status() != 200) {
      return unanswered(r, "put " + bulk);
    }
    CrashModel.took(model.bulkMillisPerThousand, start, bulk.size / 1000.0);
    synchronized (bulk) {
      bulk.phase = Phase.PRESENT;
      bulk.verified = false;
    }
    model.acknowledgedWrites.incrementAndGet();
    model.bulkItemsAcknowledged.addAndGet(bulk.size);
    return true;
  }

  private boolean deleteBulk(Bulk bulk) throws InterruptedException {
    StringBuilder json = new StringBuilder(bulk.size * 12).append('[');
    for (int i = 0; i < bulk.size; i++) {
      json.append(i == 0 ? "\"" : ",\"").append(bulk.key(i)).append('"');
    }
    byte[] body = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    synchronized (bulk) {
      bulk.phase = Phase.DELETING;
    }
    trigger.sending(KillTrigger.Mode.LARGE_BULK, "delete " + bulk, expected(bulk));
    String path = CrashHttp.ns(model.mainNamespace) + "/bulk/delete";
    long start = System.nanoTime();
    bulk.sentNanos = start;
    CrashHttp.Reply r = send(() -> http.rest("POST", path, JSON, body));
    if (r == null || r.status() != 200) {
      return unanswered(r, "delete " + bulk);
    }
    CrashModel.took(model.bulkMillisPerThousand, start, bulk.size / 1000.0);
    synchronized (bulk) {
      bulk.phase = Phase.ABSENT;
      bulk.verified = false;
    }
    model.acknowledgedWrites.incrementAndGet();
    return true;
  }

  private Space createSpace() throws InterruptedException {
    Space s = new Space("crash-ns-" + model.nextId.getAndIncrement());
    synchronized (model.spaces) {
      model.spaces.add(s);
    }
    byte[] body = ("{\"title\":\"" + s.title + "\"}").getBytes(StandardCharsets.UTF_8);
    CrashHttp.Reply r = send(() -> http.rest("POST", TestServer.ns(), JSON, body));
    if (r == null || r.status() != 200) {
      unanswered(r, "create " + s);
      return null;
    }
    synchronized (s) {
      s.id = r.json().path("result").path("id").asText();
      s.phase = Phase.PRESENT;
    }
    return s;
  }

  private boolean deleteSpace(Space s) throws InterruptedException {
    synchronized (s) {
      s.phase = Phase.DELETING;
    }
    long keys = s.keys();
    trigger.sending(
        KillTrigger.Mode.NAMESPACE_DELETE,
        "delete " + s + " (" + keys + " keys)",
        model.namespaceDeleteMillis.get());
    long start = System.nanoTime();
    s.sentNanos = start;
    CrashHttp.Reply r = send(() -> http.rest("DELETE", CrashHttp.ns(s.id), null, null));
    if (r == null || r.status() != 200) {
      return unanswered(r, "delete " + s);
    }
    CrashModel.took(model.namespaceDeleteMillis, start, 1);
    synchronized (s) {
      s.phase = Phase.ABSENT;
    }
    model.acknowledgedWrites.incrementAndGet();
    model.namespaceDeletesAcknowledged.incrementAndGet();
    model.namespaceKeysDeleted.addAndGet(keys);
    return true;
  }

  private static final String JSON = "application/json";

  private long expected(Bulk bulk) {
    return model.bulkMillisPerThousand.get() * bulk.size / 1000;
  }

  /** The reply, or null when the server died with the request in flight. */
  private CrashHttp.Reply send(KeyClient.CrashCall call) throws InterruptedException {
    try {
      return call.send();
    } catch (IOException e) {
      return null;
    }
  }

  private boolean unanswered(CrashHttp.Reply r, String what) {
    if (r != null) {
      model.problem("unexpected answer to " + what + ": " + r);
    } else {
      model.inFlightAtKill.incrementAndGet();
    }
    return false;
  }
}
