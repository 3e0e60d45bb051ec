package dev.flarekv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of a {@code flarekv serve} child process: read until its listening line gives the REST
 * port, then collected by a thread until the process ends.
 */
final class ChildOutput {
  /** The port in the {@code flarekv listening: CLOUDFLARE_API_BASE_URL=...} line. */
  static final Pattern PORT =
      Pattern.compile("CLOUDFLARE_API_BASE_URL=http://127\\.0\\.0\\.1:(\\d+)/");

  final StringBuffer log = new StringBuffer();
  final Thread reader;
  final int port;

  private ChildOutput(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    int found = -1;
    String line;
    while ((line = out.readLine()) != null) {
      log.append(line).append('\n');
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        found = Integer.parseInt(m.group(1));
        break;
      }
    }
    assertThat(found).as(log.toString()).isPositive();
    this.port = found;
    this.reader =
        new Thread(
            () -> {
              try {
                String l;
                while ((l = out.readLine()) != null) {
                  log.append(l).append('\n');
                }
              } catch (IOException ignored) {
                // process ended
              }
            });
    reader.start();
  }

  /** Waits for the child's listening line (failing with its output if it exits first). */
  static ChildOutput follow(Process process) throws IOException {
    return new ChildOutput(process);
  }
}
