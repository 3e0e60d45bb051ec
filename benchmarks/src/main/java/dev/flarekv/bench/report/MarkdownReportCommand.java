package dev.flarekv.bench.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that writes a markdown report ({@code report}, {@code scale-report}): the options of
 * the report file, its title and its context lines, and how every report starts. A subclass names
 * the command, adds its input and charts, and writes the body.
 */
@Command(mixinStandardHelpOptions = true)
abstract class MarkdownReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--markdown", required = true, description = "report to write")
  Path markdown;

  @Option(names = "--title", description = "title")
  String title;

  @Option(names = "--context", description = "a line of context for the report (repeatable)")
  List<String> context = new ArrayList<>();

  /** {@code defaultTitle} is the title when {@code --title} is not given. */
  MarkdownReportCommand(String defaultTitle) {
    this.title = defaultTitle;
  }

  /**
   * The head of a markdown report: {@code title} as its heading, then each line of {@code context}
   * as a bullet.
   */
  static String heading(String title, List<String> context) {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    for (String c : context) {
      md.append("- ").append(c).append('\n');
    }
    return md.toString();
  }

  /**
   * Starts a run of the command: AWT in headless mode, as the charts are drawn off-screen, and the
   * writer it prints to.
   */
  PrintWriter start() {
    System.setProperty("java.awt.headless", "true");
    return spec.commandLine().getOut();
  }

  /** Writes {@code md} to the {@code --markdown} file. */
  void writeMarkdown(String md) throws IOException {
    Files.writeString(markdown, md, StandardCharsets.UTF_8);
  }
}
