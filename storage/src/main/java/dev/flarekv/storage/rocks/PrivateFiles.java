package dev.flarekv.storage.rocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only modes for what the store writes (see docs/reliability.md, "Private data"): directories
 * it creates are 0700 and the checkpoints it writes are 0700/0600, whatever the process umask. This
 * class changes no process-wide state: the files RocksDB creates inside a live data dir get the
 * umask's mode (the {@code flarekv} command sets umask 077; a 0700 directory keeps others out
 * either way). On a file system without POSIX modes every method does nothing.
 */
final class PrivateFiles {
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);

  private PrivateFiles() {}

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Creates {@code dir} and any missing parent, each with mode 0700 (set explicitly after creation,
   * so the umask cannot loosen it). Directories that already exist are left as they are.
   *
   * @return true when {@code dir} itself was created
   */
  static boolean createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return false;
    }
    List<Path> missing = new ArrayList<>();
    for (Path p = absolute; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); ) {
      missing.add(0, p);
      p = p.getParent();
    }
    boolean posix = posix();
    for (Path p : missing) {
      try {
        if (posix) {
          Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR));
          restrict(p, DIR);
        } else {
          Files.createDirectory(p);
        }
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
        // created meanwhile by someone else: theirs, left as it is
      }
    }
    return true;
  }

  /** Sets every directory under {@code root} (itself included) to 0700 and every file to 0600. */
  static void restrictTree(Path root) throws IOException {
    if (!posix()) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          restrict(p, DIR);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          restrict(p, FILE);
        }
      }
    }
  }

  private static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view != null) {
      view.setPermissions(mode);
    }
  }

  /**
   * Logs one warning, naming the fix, when an existing data dir or anything in it is open to group
   * or others. Never changes the modes of a directory it did not create, and never fails the open.
   */
  static void warnIfOpenToOthers(Path dir) {
    try {
      Path real = dir.toRealPath(); // a symbolic link to the data dir: check (and name) the target
      Loose loose = looseModes(real);
      if (loose != null) {
        LOG.warn(loose.warning(real));
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not check the modes in {}", dir, e);
    }
  }

  /** What {@link #looseModes} found: how many entries grant group/other access, and one example. */
  record Loose(int count, Path example, String exampleMode) {
    /** The one-line warning, with the fix. */
    String warning(Path dir) {
      return "data dir "
          + dir
          + " is open to other users: "
          + count
          + (count == 1 ? " entry in it grants" : " entries in it grant")
          + " group/other access (e.g. "
          + example
          + " is "
          + exampleMode
          + "); to fix: chmod -R go-rwx "
          + dir;
    }
  }

  /**
   * The entries under {@code dir} (itself included; symbolic links not followed) whose mode grants
   * anything to group or others, or null when there are none or the file system has no POSIX modes.
   */
  static Loose looseModes(Path dir) throws IOException {
    if (!posix()) {
      return null;
    }
    int count = 0;
    Path example = null;
    String exampleMode = null;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        Set<PosixFilePermission> mode;
        try {
          mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue; // deleted while we looked
        }
        if (mode.stream().anyMatch(GROUP_OR_OTHER::contains)) {
          if (count++ == 0) {
            example = p;
            exampleMode = PosixFilePermissions.toString(mode);
          }
        }
      }
    }
    return count == 0 ? null : new Loose(count, example, exampleMode);
  }
}
