package dev.flarekv.cli;

import dev.flarekv.protocol.client.ControlClient;
import dev.flarekv.protocol.client.KeyListPage;
import dev.flarekv.protocol.client.KvClient;
import dev.flarekv.protocol.client.RetryPolicy;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Option;

/**
 * What {@code kv pull} and {@code kv push} share: the namespace flags, retries, {@code --resume},
 * and the run: check both sides before writing anything, choose or create the target, copy with
 * {@link NamespaceCopy}, then print one summary line (and progress on a terminal).
 */
abstract class CopyCommand extends LeafCommand {
  @Option(
      names = "--namespace-id",
      required = true,
      paramLabel = "<id>",
      description = "The namespace to copy from.")
  String sourceId;

  @Option(
      names = "--to-namespace-id",
      paramLabel = "<id>",
      description = "Copy into this existing namespace.")
  String targetId;

  @Option(
      names = "--title",
      paramLabel = "<title>",
      description = "Copy into a new namespace with this title (created once the source is read).")
  String title;

  @Option(
      names = "--resume",
      description =
          "Continue an interrupted copy from the cursor saved in .flarekv/<pull|push>-<id>.json.")
  boolean resume;

  @Option(
      names = "--max-attempts",
      defaultValue = "6",
      paramLabel = "<n>",
      description = "Tries per request on 429, 5xx or no connection (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--retry-delay",
      defaultValue = "500",
      paramLabel = "<ms>",
      description =
          "First wait before a retry, doubled each time up to 30 s; Retry-After wins"
              + " (default: ${DEFAULT-VALUE}).")
  long retryDelayMs;

  @Option(
      names = "--page-size",
      defaultValue = "1000",
      paramLabel = "<n>",
      description = "Keys listed per page, 10..1000 (default: ${DEFAULT-VALUE}).")
  int pageSize;

  private final AtomicLong retries = new AtomicLong();

  /** {@code pull} or {@code push}. */
  abstract String verb();

  /** The side keys are read from, without retries. */
  abstract KvClient sourceClient();

  /** The side keys are written to, without retries. */
  abstract KvClient targetClient();

  /** The remote side's token flag, e.g. {@code --from-token}, for its refusal. */
  abstract String remoteTokenFlag();

  /** Whether the remote side is the source (pull) rather than the target (push). */
  abstract boolean remoteIsSource();

  @Override
  void run() throws Exception {
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new UserError("--max-attempts must be 1..20");
    }
    if (retryDelayMs < 0 || retryDelayMs > 30_000) {
      throw new UserError("--retry-delay must be 0..30000 ms");
    }
    if (pageSize < 10 || pageSize > 1000) {
      throw new UserError("--page-size must be 10..1000");
    }
    if (!resume && (targetId == null) == (title == null)) {
      throw new UserError("Give exactly one of --to-namespace-id and --title");
    }
    RetryPolicy policy =
        new RetryPolicy(
            maxAttempts,
            Duration.ofMillis(retryDelayMs),
            Duration.ofSeconds(30),
            (attempt, status, wait) -> retries.incrementAndGet());
    KvClient source = sourceClient().withRetries(policy);
    KvClient target = targetClient().withRetries(policy);
    Path stateFile = CopyState.file(io.cwd(), verb(), sourceId);
    CopyState state = resume ? resumed(stateFile) : null;

    // the source first: a refused token or an unknown namespace writes nothing
    KeyListPage first =
        side(
            true,
            () -> source.listKeys(sourceId, null, pageSize, state == null ? null : state.cursor()));
    CopyState start = state;
    if (start == null) {
      String id = targetId;
      if (id == null) {
        id = side(false, () -> target.createNamespace(title).id());
      } else {
        String checked = id;
        side(false, () -> target.getNamespace(checked));
      }
      start = new CopyState(verb(), sourceId, id, title, null, 0, 0);
      start.write(stateFile);
    }
    NamespaceCopy copy = new NamespaceCopy(source, target, pageSize, clock(target));
    NamespaceCopy.Counts counts;
    try {
      counts = copy.run(start, first, stateFile, io.terminal() ? this::progress : s -> {});
    } catch (KvException e) {
      long copied = CopyState.read(stateFile).map(CopyState::copied).orElse(0L);
      throw new UserError(
          KvExitCodes.message(e)
              + " (stopped after "
              + copied
              + " key(s); the same command with --resume continues from there)");
    }
    Files.deleteIfExists(stateFile);
    if (io.terminal()) {
      err().println();
      err().flush();
    }
    out().println(summary(start, counts));
  }

  private CopyState resumed(Path stateFile) throws java.io.IOException {
    CopyState state =
        CopyState.read(stateFile)
            .orElseThrow(
                () ->
                    new UserError(
                        "Nothing to resume: no "
                            + io.cwd().relativize(stateFile)
                            + " (it is removed when a "
                            + verb()
                            + " completes); run without --resume"));
    if (targetId != null && !targetId.equals(state.target())) {
      throw new UserError(
          "--resume continues into " + state.target() + ", not --to-namespace-id " + targetId);
    }
    if (title != null && !title.equals(state.title())) {
      throw new UserError(
          "--resume continues into " + state.target() + ", not a new namespace titled " + title);
    }
    return state;
  }

  private String summary(CopyState start, NamespaceCopy.Counts counts) {
    String done = verb().equals("pull") ? "Pulled " : "Pushed ";
    return done
        + counts.copied
        + " key(s) from "
        + sourceId
        + " into "
        + start.target()
        + (start.cursor() != null ? " (resumed after " + start.copied() + " key(s))" : "")
        + ": "
        + counts.base64
        + " as base64, skipped "
        + counts.expiringSkipped
        + " expiring within "
        + ExportCommand.MIN_REMAINING_SECONDS
        + " s, "
        + counts.vanished
        + " deleted meanwhile, "
        + counts.pages
        + " page(s), "
        + retries.get()
        + " retried request(s)";
  }

  private void progress(CopyState state) {
    err().print("\r" + verb() + ": " + state.copied() + " key(s), " + state.pages() + " page(s)");
    err().flush();
  }

  /**
   * The target's time: its {@code GET /flarekv/v1/clock} when it is a flarekv server (emulated time
   * included), else this machine's clock (Cloudflare has no such control).
   */
  private java.util.function.LongSupplier clock(KvClient target) {
    ControlClient controls = new ControlClient(target.baseUrl(), targetToken());
    boolean[] flarekv = {true};
    return () -> {
      if (flarekv[0]) {
        try {
          return controls.get(ClockCommand.PATH).path("now").asLong();
        } catch (RuntimeException e) {
          flarekv[0] = false;
        }
      }
      return System.currentTimeMillis() / 1000;
    };
  }

  /** The target's token, for its clock. */
  abstract String targetToken();

  /** One call to one side; a refused token there is one clear line that names the flag. */
  private <T> T side(boolean isSource, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (KvException e) {
      ErrorCode code = e.errorCode();
      boolean remote = isSource == remoteIsSource();
      if (remote && (code == ErrorCode.AUTHENTICATION || code == ErrorCode.FORBIDDEN)) {
        throw new UserError(
            "The remote API refused "
                + remoteTokenFlag()
                + " ("
                + e.errorCode().httpStatus()
                + ", code "
                + code.code()
                + ": "
                + KvExitCodes.oneLine(e.getMessage())
                + "); nothing was written");
      }
      throw e;
    }
  }
}
