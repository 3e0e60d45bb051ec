package dev.flarekv.server.crash;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.crash.CrashModel.KeyModel;
import dev.flarekv.server.crash.CrashModel.State;
import dev.flarekv.server.testkit.MultipartBody;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One small writer: sequential writes to its own keys {@code k-<id>-<n>} in the main namespace,
 * through the REST API and the binding listener mixed, until the server dies. Values are 100 B to 1
 * MiB.
 */
final class KeyClient implements Runnable {
  private final int id;
  private final CrashModel model;
  private final CrashHttp http;
  private final AtomicBoolean running;
  private final Random rnd;
  private long seq;

  /** One request: the keys it touches and the state it gives each. */
  private record Write(String what, List<KeyModel> keys, List<State> states) {}

  KeyClient(int id, CrashModel model, CrashHttp http, AtomicBoolean running, long seed) {
    this.id = id;
    this.model = model;
    this.http = http;
    this.running = running;
    this.rnd = new Random(seed);
  }

  private KeyModel key(int k) {
    return model.keys.get(id * CrashModel.KEYS_PER_CLIENT + k);
  }

  /** 100 B to 2 KiB mostly; one in 12 is 2-64 KiB, one in 40 64 KiB to 1 MiB. */
  private State newState() {
    seq++;
    int pick = rnd.nextInt(120);
    int size =
        pick < 3
            ? 65_536 + rnd.nextInt((1 << 20) - 65_536 + 1)
            : pick < 13 ? 2_048 + rnd.nextInt(63_488) : 100 + rnd.nextInt(1_949);
    StringBuilder v = new StringBuilder(size).append("v-" + id + "-" + seq + "-");
    v.append(System.nanoTime()).append('-');
    while (v.length() < size) {
      v.append((char) ('a' + rnd.nextInt(26)));
    }
    String metadata =
        rnd.nextBoolean() ? null : "{\"client\":" + id + ",\"seq\":" + seq + ",\"tag\":[\"x\"]}";
    long expiration =
        rnd.nextInt(3) == 0 ? 0 : System.currentTimeMillis() / 1000 + 86_400 + rnd.nextInt(86_400);
    return new State(v.toString(), metadata, expiration);
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        if (!step()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One write; false once the server is gone. */
  private boolean step() throws InterruptedException {
    int op = rnd.nextInt(10);
    String ns = model.mainNamespace;
    KeyModel k = key(rnd.nextInt(CrashModel.KEYS_PER_CLIENT));
    Write w;
    CrashCall call;
    if (op < 2) { // REST put, raw or multipart with metadata
      State s = newState();
      w = new Write("REST put " + k.name, List.of(k), List.of(s));
      String url =
          CrashHttp.ns(ns)
              + "/values/"
              + CrashHttp.enc(k.name)
              + (s.expiration() == 0 ? "" : "?expiration=" + s.expiration());
      byte[] value = s.value().getBytes(StandardCharsets.UTF_8);
      call =
          s.metadata() == null
              ? () -> http.rest("PUT", url, "application/octet-stream", value)
              : () ->
                  http.rest(
                      "PUT",
                      url,
                      MultipartBody.CONTENT_TYPE,
                      MultipartBody.of("value", s.value(), s.metadata()));
    } else if (op < 4) { // binding put, metadata in CF-KV-Metadata
      State s = newState();
      w = new Write("binding put " + k.name, List.of(k), List.of(s));
      String path =
          "/"
              + CrashHttp.enc(k.name)
              + "?urlencoded=true"
              + (s.expiration() == 0 ? "" : "&expiration=" + s.expiration());
      byte[] value = s.value().getBytes(StandardCharsets.UTF_8);
      call =
          s.metadata() == null
              ? () -> http.bind("PUT", ns, path, value)
              : () -> http.bind("PUT", ns, path, value, "CF-KV-Metadata", s.metadata());
    } else if (op < 5) { // REST delete
      w = new Write("REST delete " + k.name, List.of(k), List.of(State.ABSENT));
      call = () -> http.rest("DELETE", CrashHttp.ns(ns) + "/values/" + k.name, null, null);
    } else if (op < 6) { // binding delete
      w = new Write("binding delete " + k.name, List.of(k), List.of(State.ABSENT));
      call = () -> http.bind("DELETE", ns, "/" + k.name + "?urlencoded=true", null);
    } else if (op < 9) { // small bulk put
      w = bulkPut();
      ArrayNode items = KvJson.mapper().createArrayNode();
      for (int i = 0; i < w.keys.size(); i++) {
        State s = w.states.get(i);
        ObjectNode item = items.addObject().put("key", w.keys.get(i).name).put("value", s.value());
        if (s.metadata() != null) {
          item.set("metadata", KvJson.parse(s.metadata().getBytes(StandardCharsets.UTF_8)));
        }
        if (s.expiration() != 0) {
          item.put("expiration", s.expiration());
        }
      }
      byte[] body = items.toString().getBytes(StandardCharsets.UTF_8);
      call = () -> http.rest("PUT", CrashHttp.ns(ns) + "/bulk", "application/json", body);
    } else { // small bulk delete
      ArrayNode names = KvJson.mapper().createArrayNode();
      List<KeyModel> touched = new ArrayList<>();
      for (int i : picks(3)) {
        touched.add(key(i));
        names.add(key(i).name);
      }
      w = new Write("bulk delete", touched, touched.stream().map(x -> State.ABSENT).toList());
      byte[] body = names.toString().getBytes(StandardCharsets.UTF_8);
      call = () -> http.rest("POST", CrashHttp.ns(ns) + "/bulk/delete", "application/json", body);
    }
    for (int i = 0; i < w.keys.size(); i++) {
      synchronized (w.keys.get(i)) {
        w.keys.get(i).maybe.add(w.states.get(i));
      }
    }
    CrashHttp.Reply r;
    try {
      r = call.send();
    } catch (IOException e) {
      model.inFlightAtKill.incrementAndGet(); // may or may not have landed
      return false;
    }
    if (r.status() != 200) {
      model.problem("unexpected answer to " + w.what + ": " + r);
      return false;
    }
    model.acknowledgedWrites.incrementAndGet();
    model.acknowledgedKeyWrites.addAndGet(w.keys.size());
    for (int i = 0; i < w.keys.size(); i++) {
      KeyModel key = w.keys.get(i);
      synchronized (key) {
        key.acknowledged = w.states.get(i);
        key.maybe.clear();
      }
    }
    return true;
  }

  private Write bulkPut() {
    List<KeyModel> touched = new ArrayList<>();
    List<State> states = new ArrayList<>();
    for (int i : picks(2 + rnd.nextInt(8))) {
      touched.add(key(i));
      states.add(newState());
    }
    return new Write("bulk put", touched, states);
  }

  private Set<Integer> picks(int n) {
    Set<Integer> picked = new HashSet<>();
    for (int i = 0; i < n; i++) {
      picked.add(rnd.nextInt(CrashModel.KEYS_PER_CLIENT));
    }
    return picked;
  }

  /** A request to send. */
  @FunctionalInterface
  interface CrashCall {
    CrashHttp.Reply send() throws IOException, InterruptedException;
  }
}
