package dev.flarekv.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The yes/no confirmation before a destructive command, read from stdin. */
final class Prompt {
  private Prompt() {}

  /**
   * Asks {@code question (y/N)} on {@code out} and reads one line from stdin.
   *
   * @return true only for {@code y} or {@code yes} (any case); an empty line or end of input is no
   */
  static boolean confirm(CliIo io, PrintWriter out, String question) {
    out.print(question + " (y/N) ");
    out.flush();
    String line;
    try {
      // not closed: closing would close the process's stdin
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(io.stdin(), StandardCharsets.UTF_8));
      line = reader.readLine();
    } catch (IOException e) {
      line = null;
    }
    if (line == null) {
      out.println();
    }
    String answer = line == null ? "" : line.strip().toLowerCase(Locale.ROOT);
    return answer.equals("y") || answer.equals("yes");
  }
}
