package dev.flarekv.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.server.crash.CrashModel.Bulk;
import dev.flarekv.server.crash.CrashModel.KeyModel;
import dev.flarekv.server.crash.CrashModel.Phase;
import dev.flarekv.server.crash.CrashModel.Space;
import dev.flarekv.server.crash.CrashModel.State;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The checks after a restart. Every key, bulk and namespace is compared with the model; what is
 * found becomes the new baseline (it has survived a restart):
 *
 * <ul>
 *   <li>a small writer's key holds its last acknowledged state or one of its in-flight states, read
 *       through the REST API (value, metadata, expiration) and the binding listener (value,
 *       metadata);
 *   <li>a bulk holds all its keys, each with its value, metadata and expiration, or none of them:
 *       all when its put was acknowledged, none when its delete was; either when in flight;
 *   <li>a namespace is listed with exactly the keys of its bulks, or gone: not listed, and its
 *       keys, listing and bulk get answer "namespace not found" through REST (404) and the binding
 *       (400). Gone when its delete was acknowledged; either when in flight, never half deleted.
 * </ul>
 */
final class CrashVerifier {
  private static final int BATCH =
      25; // keys per bulk get of small-writer keys (values up to 1 MiB)

  private final CrashModel model;
  private final Random rnd;
  private final Set<Space> goneChecked = new HashSet<>();

  CrashVerifier(CrashModel model, long seed) {
    this.model = model;
    this.rnd = new Random(seed);
  }

  void verify(CrashHttp http) throws IOException, InterruptedException {
    resolveNamespaces(http);
    verifyKeys(http);
    for (Bulk b : model.bulks()) {
      Space s = b.space;
      if (s == null) {
        verifyBulk(http, model.mainNamespace, b);
      } else if (phase(s) == Phase.PRESENT) {
        verifyBulk(http, s.id, b);
      }
    }
    for (Space s : model.spaces()) {
      if (phase(s) == Phase.PRESENT) {
        verifyWhole(http, s);
      } else if (s.id != null) {
        verifyGone(http, s);
      }
    }
    synchronized (model.bulks) {
      model.bulks.removeIf(
          b -> phase(b) == Phase.ABSENT || b.space != null && phase(b.space) == Phase.ABSENT);
    }
  }

  private static Phase phase(Object o) {
    synchronized (o) {
      return o instanceof Bulk b ? b.phase : ((Space) o).phase;
    }
  }

  /** Settles namespaces whose create or delete was in flight, and compares the account's list. */
  private void resolveNamespaces(CrashHttp http) throws IOException, InterruptedException {
    Map<String, String> listed = http.namespaces();
    Set<String> known = new HashSet<>(Set.of(model.mainNamespace));
    for (Space s : model.spaces()) {
      synchronized (s) {
        if (s.phase == Phase.WRITING) { // create in flight: adopt it if it landed (empty)
          s.id =
              listed.entrySet().stream()
                  .filter(e -> e.getValue().equals(s.title))
                  .map(Map.Entry::getKey)
                  .findFirst()
                  .orElse(null);
          s.phase = s.id == null ? Phase.ABSENT : Phase.PRESENT;
        } else if (s.phase == Phase.DELETING) {
          boolean survived = listed.containsKey(s.id);
          model.inFlight(s.sentNanos, "delete " + s, model.namespaceDeletesInFlight, !survived);
          s.phase = survived ? Phase.PRESENT : Phase.ABSENT;
        } else if (s.phase == Phase.PRESENT && !listed.containsKey(s.id)) {
          model.lost(s + ": acknowledged, not listed after the restart");
          s.phase = Phase.ABSENT;
        } else if (s.phase == Phase.ABSENT && s.id != null && listed.containsKey(s.id)) {
          model.lost(s + ": delete acknowledged, listed again after the restart");
        }
        if (s.id != null) {
          known.add(s.id);
        }
      }
    }
    listed.keySet().stream()
        .filter(id -> !known.contains(id))
        .forEach(id -> model.problem("unknown namespace " + id + " " + listed.get(id)));
  }

  /** Small writers' keys: REST bulk get (value, metadata, expiration), then the binding's. */
  private void verifyKeys(CrashHttp http) throws IOException, InterruptedException {
    String ns = model.mainNamespace;
    for (int from = 0; from < model.keys.size(); from += BATCH) {
      List<KeyModel> batch = model.keys.subList(from, Math.min(model.keys.size(), from + BATCH));
      List<String> names = batch.stream().map(k -> k.name).toList();
      JsonNode rest = http.restBulkGet(ns, names);
      JsonNode binding = http.bindingBulkGet(ns, names);
      for (KeyModel key : batch) {
        State found = CrashHttp.state(rest.get(key.name));
        State viaBinding = CrashHttp.state(binding.get(key.name));
        synchronized (key) {
          if (!found.sameAs(key.acknowledged) && key.maybe.stream().noneMatch(found::sameAs)) {
            model.lost(
                key.name
                    + ": found "
                    + found
                    + ", acknowledged "
                    + key.acknowledged
                    + ", in flight "
                    + key.maybe);
          }
          if (!viaBinding.sameValueAndMetadata(found)) {
            model.problem(key.name + ": REST reads " + found + ", the binding " + viaBinding);
          }
          key.acknowledged = found;
          key.maybe.clear();
        }
      }
      model.checked(batch.size());
    }
  }

  /** One bulk: all or nothing; all when acknowledged, none when its delete was. */
  private void verifyBulk(CrashHttp http, String ns, Bulk b)
      throws IOException, InterruptedException {
    Phase phase;
    boolean verified;
    synchronized (b) {
      phase = b.phase;
      verified = b.verified;
    }
    Map<String, JsonNode> listed = http.restList(ns, b.prefix());
    int found = listed.size();
    model.checked(found);
    if (found != 0 && found != b.size) {
      model.lost(
          b + ": PARTIAL, " + found + " of " + b.size + " keys after the restart (" + phase + ")");
    } else if (phase == Phase.WRITING || phase == Phase.DELETING) {
      boolean landed = (found == 0) == (phase == Phase.DELETING);
      model.inFlight(
          b.sentNanos,
          (phase == Phase.WRITING ? "put " : "delete ") + b,
          phase == Phase.WRITING ? model.bulkPutsInFlight : model.bulkDeletesInFlight,
          landed);
    } else if (phase == Phase.PRESENT && found == 0) {
      model.lost(
          b
              + ": acknowledged, all its keys are gone after the restart"
              + (b.space == null ? "" : " while its namespace is still listed: HALF DELETED"));
    } else if (phase == Phase.ABSENT && found != 0) {
      model.lost(b + ": delete acknowledged, all its keys are back after the restart");
    }
    synchronized (b) {
      b.phase = found == 0 ? Phase.ABSENT : Phase.PRESENT;
      if (found == b.size && (!verified || phase != Phase.PRESENT)) {
        verifyContents(http, ns, b, listed);
        b.verified = true;
      }
    }
  }

  /** Every item's value, metadata and expiration through REST; keys and a sample via binding. */
  private void verifyContents(CrashHttp http, String ns, Bulk b, Map<String, JsonNode> listed)
      throws IOException, InterruptedException {
    int wrong = 0;
    String first = null;
    for (int from = 0; from < b.size; from += 100) {
      List<String> names = new ArrayList<>();
      for (int i = from; i < Math.min(b.size, from + 100); i++) {
        names.add(b.key(i));
      }
      JsonNode values = http.restBulkGet(ns, names);
      for (int i = from; i < from + names.size(); i++) {
        State expected = b.item(i);
        State found = CrashHttp.state(values.get(b.key(i)));
        JsonNode info = listed.get(b.key(i));
        State inList =
            info == null
                ? State.ABSENT
                : new State(
                    expected.value(),
                    info.hasNonNull("metadata") ? info.get("metadata").toString() : null,
                    info.path("expiration").asLong(0));
        if (!found.sameAs(expected) || !inList.sameAs(expected)) {
          wrong++;
          first = first != null ? first : b.key(i) + ": found " + found + ", expected " + expected;
        }
      }
    }
    Map<String, JsonNode> viaBinding = http.bindingList(ns, b.prefix());
    for (int i = 0; i < b.size; i++) {
      JsonNode info = viaBinding.get(b.key(i));
      State expected = b.item(i);
      if (info == null
          || !info.hasNonNull("metadata")
          || !CrashModel.sameJson(info.get("metadata").asText(), expected.metadata())
          || info.path("expiration").asLong(0) != expected.expiration()) {
        wrong++;
        first = first != null ? first : b.key(i) + ": binding list shows " + info;
      }
    }
    List<String> sample = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sample.add(b.key(rnd.nextInt(b.size)));
    }
    JsonNode values = http.bindingBulkGet(ns, sample.stream().distinct().toList());
    for (String name : sample) {
      State expected = b.item(Integer.parseInt(name.substring(b.prefix().length())));
      if (!CrashHttp.state(values.get(name)).sameValueAndMetadata(expected)) {
        wrong++;
        first = first != null ? first : name + ": binding bulk get shows " + values.get(name);
      }
    }
    if (wrong != 0) {
      model.lost(b + ": " + wrong + " items differ, first " + first);
    }
  }

  /** A present namespace holds exactly the keys of its present bulks, readable through both. */
  private void verifyWhole(CrashHttp http, Space s) throws IOException, InterruptedException {
    long expected = s.keys();
    int rest = http.restList(s.id, "").size();
    int binding = http.bindingList(s.id, "").size();
    if (rest != expected || binding != expected) {
      model.lost(
          s
              + ": HALF DELETED? expected "
              + expected
              + " keys, REST lists "
              + rest
              + ", binding "
              + binding);
    }
  }

  /** A deleted namespace answers "not found" everywhere, through REST and the binding. */
  private void verifyGone(CrashHttp http, Space s) throws IOException, InterruptedException {
    List<String> keys = new ArrayList<>();
    synchronized (s) {
      s.bulks.forEach(b -> keys.add(b.key(rnd.nextInt(b.size))));
    }
    keys.add("never-written");
    boolean full = goneChecked.add(s);
    List<String> wrong = new ArrayList<>();
    String base = CrashHttp.ns(s.id);
    expectGone(wrong, http.rest("GET", base, null, null), 404, "REST get namespace");
    expectGone(wrong, http.rest("GET", base + "/values/" + keys.get(0), null, null), 404, "get");
    expectGone(
        wrong,
        http.bind("GET", s.id, "/" + keys.get(0) + "?urlencoded=true", null),
        400,
        "binding get");
    if (full) {
      for (String k : keys) {
        expectGone(wrong, http.rest("GET", base + "/values/" + k, null, null), 404, "get " + k);
        expectGone(wrong, http.bind("GET", s.id, "/" + k, null), 400, "binding get " + k);
      }
      byte[] names = KvJson.mapper().writeValueAsBytes(keys);
      byte[] body =
          ("{\"keys\":" + new String(names, StandardCharsets.UTF_8) + ",\"withMetadata\":true}")
              .getBytes(StandardCharsets.UTF_8);
      expectGone(wrong, http.rest("GET", base + "/keys", null, null), 404, "REST list");
      expectGone(
          wrong,
          http.rest("POST", base + "/bulk/get", "application/json", body),
          404,
          "REST bulk get");
      expectGone(
          wrong, http.bind("GET", s.id, "/?key_count_limit=1000", null), 400, "binding list");
      expectGone(wrong, http.bind("POST", s.id, "/bulk/get", body), 400, "binding bulk get");
    }
    model.checked(keys.size());
    if (!wrong.isEmpty()) {
      model.lost(s + ": deleted, yet " + wrong);
    }
  }

  private static void expectGone(List<String> wrong, CrashHttp.Reply r, int status, String what) {
    boolean gone =
        r.status() == status
            && (status == 404 ? r.errorCode() == 10013 : r.text().contains("not found"));
    if (!gone) {
      wrong.add(what + " answered " + r);
    }
  }
}
