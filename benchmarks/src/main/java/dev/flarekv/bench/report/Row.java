package dev.flarekv.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * One measured figure of compare.sh: a tab-separated line {@code id system op tool conns rps p50
 * p90 p99 p99.9 max errors}. Latencies are in milliseconds; an unknown figure is {@code -}.
 */
record Row(
    String id,
    String system,
    String op,
    String tool,
    int connections,
    double rps,
    double p50,
    double p90,
    double p99,
    double p999,
    double max,
    long errors) {

  static final String HEADER =
      "id\tsystem\top\ttool\tconns\trps\tp50\tp90\tp99\tp99.9\tmax\terrors";

  static Row parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length < 12) {
      throw new IllegalArgumentException("expected 12 tab-separated fields: " + line);
    }
    return new Row(
        f[0],
        f[1],
        f[2],
        f[3],
        (int) num(f[4]),
        num(f[5]),
        num(f[6]),
        num(f[7]),
        num(f[8]),
        num(f[9]),
        num(f[10]),
        (long) num(f[11]));
  }

  static double num(String s) {
    String t = s.trim();
    if (t.isEmpty() || t.equals("-")) {
      return Double.NaN;
    }
    return Double.parseDouble(t);
  }

  String label() {
    return system + " " + op + " (" + tool + ")";
  }

  /** req/s, then p50, p90, p99, p99.9 and max in ms, as the tables show them. */
  List<String> figures() {
    return List.of(fmt(rps, 0), fmt(p50, 3), fmt(p90, 3), fmt(p99, 3), fmt(p999, 3), fmt(max, 3));
  }

  List<Double> percentiles() {
    return List.of(p50, p90, p99, p999);
  }

  static String fmt(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }
}
