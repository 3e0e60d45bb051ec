package dev.flarekv.cli;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become what the user sees and the exit code: a single line {@code
 * flarekv: <message>} on stderr, never a stack trace unless {@code --verbose} was given.
 *
 * <p>Exit codes: {@link #SUCCESS} 0, {@link #FAILURE} 1 for every runtime failure (wrangler exits 1
 * on all of them, so scripts that test for non-zero keep working), {@link #USAGE} 2 for a command
 * line picocli rejects.
 */
public final class KvExitCodes
    implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {
  public static final int SUCCESS = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  @Override
  public int getExitCode(Throwable exception) {
    return exception instanceof ParameterException ? USAGE : FAILURE;
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    err.println("flarekv: " + message(ex));
    if (verbose(parseResult)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return getExitCode(ex);
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("flarekv: " + ex.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return USAGE;
  }

  /** The one-line text of a failure. */
  static String message(Throwable ex) {
    if (ex instanceof KvException kv) {
      return kvMessage(kv);
    }
    if (ex instanceof UserError) {
      return ex.getMessage();
    }
    if (ex instanceof UncheckedIOException io) {
      return message(io.getCause());
    }
    if (ex instanceof NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (ex instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    String m = ex.getMessage();
    return oneLine(m == null ? ex.toString() : m);
  }

  private static String kvMessage(KvException kv) {
    ErrorCode code = kv.errorCode();
    String text = oneLine(kv.getMessage());
    if (text.startsWith("cannot reach flarekv")) {
      return text;
    }
    String suffix = " [code: " + code.code() + "]";
    if (code == ErrorCode.AUTHENTICATION || code == ErrorCode.FORBIDDEN) {
      return text
          + suffix
          + ": check --api-token (or CLOUDFLARE_API_TOKEN) against the server's --api-token";
    }
    return text + suffix;
  }

  static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
