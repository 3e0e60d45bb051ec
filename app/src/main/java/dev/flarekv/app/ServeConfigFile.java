package dev.flarekv.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code flarekv serve --config FILE}: a Java properties file whose keys are serve's long option
 * names without the dashes ({@code store=cassandra}, {@code cassandra-replication=3}), turned into
 * the flags they stand for. Unknown keys and bad boolean values are errors naming the file, so a
 * typo never falls back to a default silently.
 */
final class ServeConfigFile {
  private ServeConfigFile() {}

  /** The file's settings as {@code --name=value} flags (booleans as a bare {@code --name}). */
  static List<String> read(CommandSpec spec, Path file) {
    Properties settings = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      settings.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "cannot read the config file " + file + ": " + e.getMessage());
    }
    List<String> flags = new ArrayList<>();
    for (String key : new TreeSet<>(settings.stringPropertyNames())) {
      String value = settings.getProperty(key).trim();
      OptionSpec option = key.startsWith("-") ? null : spec.findOption("--" + key);
      if (option == null
          || option.longestName().equals("--config")
          || option.usageHelp()
          || option.versionHelp()) {
        throw new ParameterException(
            spec.commandLine(),
            "unknown setting '"
                + key
                + "' in "
                + file
                + " (keys are serve's long option names"
                + " without the dashes, e.g. store or cassandra-contact-points)");
      }
      if (option.arity().max() == 0) {
        switch (value.toLowerCase(Locale.ROOT)) {
          case "true" -> flags.add(option.longestName());
          case "false" -> {}
          default ->
              throw new ParameterException(
                  spec.commandLine(),
                  "setting '" + key + "' in " + file + " must be true or false: " + value);
        }
      } else if (option.isMultiValue()) {
        // an empty value adds nothing, as if the line were absent; an empty item is a mistake
        // (for a token it would be a token that an empty credential matches)
        for (String item : value.isEmpty() ? new String[0] : value.split(",", -1)) {
          if (item.isBlank()) {
            throw new ParameterException(
                spec.commandLine(),
                "setting '"
                    + key
                    + "' in "
                    + file
                    + " has an empty item: remove the stray comma (an empty value means none)");
          }
          flags.add(option.longestName() + "=" + item.trim());
        }
      } else {
        flags.add(option.longestName() + "=" + value);
      }
    }
    return flags;
  }
}
