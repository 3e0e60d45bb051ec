package dev.flarekv.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory lines of {@code /proc/PID/status}: {@code VmRSS} (resident set now) and {@code VmHWM}
 * (its peak, the "high water mark"), in KiB as the kernel reports them.
 */
public record ProcStatus(long rssKib, long hwmKib) {

  /** Parses the text of {@code /proc/PID/status}; fails when VmRSS or VmHWM is missing. */
  public static ProcStatus parse(String text) {
    long rss = -1;
    long hwm = -1;
    for (String line : text.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    if (rss < 0 || hwm < 0) {
      throw new IllegalArgumentException("no VmRSS/VmHWM lines (a kernel thread, or not Linux?)");
    }
    return new ProcStatus(rss, hwm);
  }

  /** "VmRSS:\t 123456 kB" to 123456. */
  private static long kib(String line) {
    String rest = line.substring(line.indexOf(':') + 1).trim();
    String[] parts = rest.split("\\s+");
    long n = Long.parseLong(parts[0]);
    if (parts.length > 1 && !parts[1].equalsIgnoreCase("kB")) {
      throw new IllegalArgumentException("unexpected unit in: " + line);
    }
    return n;
  }

  /** Reads {@code /proc/PID/status} now. */
  public static ProcStatus read(long pid) throws IOException {
    return parse(
        Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8));
  }

  /**
   * Resets the process's VmHWM to its current RSS ({@code echo 5 > /proc/PID/clear_refs}, Linux
   * 4.0+, same user). Best effort: returns whether it worked.
   */
  public static boolean resetPeak(long pid) {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public double rssMib() {
    return rssKib / 1024.0;
  }

  public double hwmMib() {
    return hwmKib / 1024.0;
  }
}
