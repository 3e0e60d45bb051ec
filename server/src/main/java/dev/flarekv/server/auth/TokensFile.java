package dev.flarekv.server.auth;

import dev.flarekv.protocol.validation.KvValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code --tokens-file}: one {@code <token> <account-id>[,<account-id>...]} per line,
 * separated by spaces or tabs; blank lines and lines starting with {@code #} are ignored.
 *
 * <p>A malformed line fails the whole file with one message naming the file and the line number,
 * and never the line's text, since it holds a secret.
 */
public final class TokensFile {
  private TokensFile() {}

  /**
   * The scoped tokens of the file.
   *
   * @throws IllegalArgumentException with a one-line message naming the file (and line) when it
   *     cannot be read or a line is malformed
   */
  public static List<ScopedToken> read(Path file) {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("tokens file " + file + " does not exist", e);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("tokens file " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read tokens file " + file + ": " + e, e);
    }
    return parse(file.toString(), lines);
  }

  /** Parses the lines of a tokens file ({@code name} appears in error messages). */
  static List<ScopedToken> parse(String name, List<String> lines) {
    List<ScopedToken> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "tokens file " + name + " line " + (i + 1) + ": ";
      String[] fields = line.split("[ \\t]+");
      if (fields.length != 2) {
        throw new IllegalArgumentException(
            where
                + "expected '<token> <account-id>[,<account-id>...]' (2 fields), found "
                + fields.length);
      }
      String problem = Tokens.problem(fields[0], "the token");
      if (problem != null) {
        throw new IllegalArgumentException(where + problem);
      }
      Set<String> accounts = new LinkedHashSet<>();
      for (String account : fields[1].split(",", -1)) {
        if (!KvValidator.isValidAccountId(account)) {
          throw new IllegalArgumentException(
              where
                  + (account.isEmpty()
                      ? "empty account id"
                      : "invalid account id '" + account + "' (1-64 of A-Z a-z 0-9 _ -)"));
        }
        accounts.add(account);
      }
      if (!seen.add(fields[0])) {
        throw new IllegalArgumentException(
            where + "this token is already listed on an earlier line");
      }
      out.add(new ScopedToken(fields[0], new ArrayList<>(accounts)));
    }
    return out;
  }
}
