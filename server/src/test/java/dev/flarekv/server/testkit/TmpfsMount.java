package dev.flarekv.server.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs mounted by the test itself (tests run as root in CI). {@link #mount} returns
 * null when mounting is not permitted, so the caller can skip with a clear reason.
 */
public final class TmpfsMount implements AutoCloseable {
  private final Path dir;

  private TmpfsMount(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code sizeMiB} on {@code dir} (created if missing), or returns null. */
  public static TmpfsMount mount(Path dir, int sizeMiB, String... extraOptions)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    StringBuilder options = new StringBuilder("size=" + sizeMiB + "m");
    for (String o : extraOptions) {
      options.append(',').append(o);
    }
    Result r = run("mount", "-t", "tmpfs", "-o", options.toString(), "tmpfs", dir.toString());
    return r.code == 0 ? new TmpfsMount(dir) : null;
  }

  /** Why {@link #mount} may fail here (for the skip message). */
  public static String whyNot(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Result r = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
    if (r.code == 0) {
      run("umount", dir.toString());
      return "mount works";
    }
    return "cannot mount a tmpfs (needs root / CAP_SYS_ADMIN): " + r.output.trim();
  }

  public Path dir() {
    return dir;
  }

  /** Changes the size limit (or other options) in place; the files stay. */
  public void remount(String options) throws IOException, InterruptedException {
    Result r = run("mount", "-o", "remount," + options, dir.toString());
    if (r.code != 0) {
      throw new IOException("remount " + options + " failed: " + r.output);
    }
  }

  @Override
  public void close() throws IOException {
    Result r;
    try {
      r = run("umount", dir.toString());
      if (r.code != 0) {
        r = run("umount", "-l", dir.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + dir, e);
    }
    if (r.code != 0) {
      throw new IOException("umount " + dir + " failed: " + r.output);
    }
  }

  /** An external command's exit code and merged output. */
  public record Result(int code, String output) {}

  /** Runs a command (30 s limit) and returns its exit code and output; -1 if it cannot start. */
  public static Result run(String... command) throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    }
  }
}
