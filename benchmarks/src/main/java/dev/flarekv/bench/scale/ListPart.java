package dev.flarekv.bench.scale;

import static dev.flarekv.bench.load.ResultJson.round;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.bench.cli.Durations;
import dev.flarekv.bench.load.LoadPlan;
import dev.flarekv.bench.load.LoadResult;
import dev.flarekv.bench.load.LoadRunner;
import dev.flarekv.bench.load.Req;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.bench.load.Workload;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.json.KvJson;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code list} part of {@code scale}: first-page latency of a prefix list at growing namespace
 * sizes, one fresh namespace per size with keys sorting before and after the prefix. A picocli
 * mixin: its options are the part's own.
 */
final class ListPart {
  static final String LIST_PREFIX = "session:";

  @Option(
      names = "--list-sizes",
      defaultValue = "1000,100000,1000000",
      split = ",",
      description =
          "keys under the listed prefix, one fresh namespace each (default: ${DEFAULT-VALUE})")
  List<Integer> listSizes;

  @Option(
      names = "--list-connections",
      defaultValue = "4",
      description = "closed-loop connections listing (default: ${DEFAULT-VALUE})")
  int listConnections;

  @Option(names = "--list-duration", defaultValue = "20s", description = "measured per size")
  String listDuration;

  ObjectNode run(ScaleRun run) throws Exception {
    KvClient client = run.client();
    PrintStream log = run.log();
    ObjectNode node = KvJson.mapper().createObjectNode();
    node.put("prefix", LIST_PREFIX);
    node.put("limit", Workload.LIST_LIMIT);
    node.put("connections", listConnections);
    node.put("mode", "closed");
    node.put("durationSeconds", Durations.parse(listDuration).toMillis() / 1000.0);
    ArrayNode sizes = node.putArray("sizes");
    byte[] value = Workload.value(run.valueSize());
    for (int n : listSizes) {
      String ns = run.createNamespace("list-" + n);
      int outside = Math.max(100, n / 10);
      long t0 = System.nanoTime();
      // keys sorting before and after the prefix, so the prefix seek really has to skip
      run.writeKeys(ns, "cache:", outside / 2, value, 0, null);
      run.writeKeys(ns, LIST_PREFIX, n, value, 0, null);
      run.writeKeys(ns, "user:", outside - outside / 2, value, 0, null);
      double preloadSeconds = (System.nanoTime() - t0) / 1e9;
      KeyListPage page = client.listKeys(ns, LIST_PREFIX, Workload.LIST_LIMIT, null);
      long matching = page.keys().stream().filter(k -> k.name().startsWith(LIST_PREFIX)).count();
      if (page.keys().size() != Math.min(Workload.LIST_LIMIT, n)
          || matching != page.keys().size()) {
        throw new IllegalStateException(
            "first page of "
                + n
                + " keys has "
                + page.keys().size()
                + " keys, "
                + matching
                + " under the prefix");
      }
      Surface.Requests requests = run.requests(ns);
      Req list = requests.list(LIST_PREFIX, Workload.LIST_LIMIT);
      LoadPlan plan =
          run.plan(Workload.LIST, requests)
              .connections(listConnections)
              .warmup(run.warmup())
              .duration(Durations.parse(listDuration))
              .build();
      log.printf(Locale.ROOT, "list: %,d keys, measuring first pages%n", n);
      LoadResult r = new LoadRunner(plan, seed -> () -> Workload.Op.single(list)).run(p -> {});
      ObjectNode s = Figures.of(r);
      s.put("keys", n);
      s.put("keysOutsidePrefix", outside);
      s.put("preloadSeconds", round(preloadSeconds));
      s.put("namespace", ns);
      sizes.add(s);
    }
    if (sizes.size() >= 2) {
      JsonNode first = sizes.get(0);
      JsonNode last = sizes.get(sizes.size() - 1);
      ObjectNode ratio = node.putObject("ratio");
      ratio.put("from", first.get("keys").asLong());
      ratio.put("to", last.get("keys").asLong());
      ratio.put("p50", ratio(last, first, "p50"));
      ratio.put("p99", ratio(last, first, "p99"));
      ratio.put("target", 1.5);
    }
    return node;
  }

  private static double ratio(JsonNode a, JsonNode b, String percentile) {
    double x = a.path("latencyMs").path(percentile).asDouble();
    double y = b.path("latencyMs").path(percentile).asDouble();
    return y == 0 ? 0 : round(x / y);
  }
}
