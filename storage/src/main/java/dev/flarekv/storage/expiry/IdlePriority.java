package dev.flarekv.storage.expiry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Moves the calling thread to the lowest CPU priority the OS offers, for background work that must
 * not delay requests (the expiry sweep).
 *
 * <p>On Linux that is the {@code SCHED_IDLE} policy: the thread runs only on CPU time no other
 * thread wants, a waking request thread preempts it at once, and the scheduler places wakeups on a
 * core that runs only idle-policy threads as if that core were free. A nice value of 19, the
 * fallback, only shrinks the thread's share. Java has no API for either, so this runs util-linux's
 * {@code chrt} (or {@code renice}) on the thread's own id, read from {@code /proc/thread-self}. A
 * thread may always lower its own priority; no privilege is needed. Elsewhere, or when neither tool
 * works, the thread keeps its priority.
 */
final class IdlePriority {
  /** What {@link #lowerCurrentThread} achieved. */
  enum Outcome {
    /** The thread runs under {@code SCHED_IDLE}. */
    IDLE,
    /** The thread runs at nice 19. */
    NICE,
    /** The thread's priority is unchanged. */
    UNCHANGED
  }

  private static final Path THREAD_SELF = Path.of("/proc/thread-self");
  private static final long TOOL_TIMEOUT_SECONDS = 5;

  private IdlePriority() {}

  static Outcome lowerCurrentThread() {
    OptionalInt tid = currentThreadId();
    if (tid.isEmpty()) {
      return Outcome.UNCHANGED;
    }
    String id = Integer.toString(tid.getAsInt());
    if (run(List.of("chrt", "--idle", "-p", "0", id))) {
      return Outcome.IDLE;
    }
    if (run(List.of("renice", "-n", "19", "-p", id))) {
      return Outcome.NICE;
    }
    return Outcome.UNCHANGED;
  }

  /**
   * The calling thread's kernel id on Linux ({@code /proc/thread-self} links to "pid/task/tid").
   */
  static OptionalInt currentThreadId() {
    try {
      Path target = Files.readSymbolicLink(THREAD_SELF);
      return OptionalInt.of(Integer.parseInt(target.getFileName().toString()));
    } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static boolean run(List<String> command) {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return false; // the tool is not installed
    }
    try {
      if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
