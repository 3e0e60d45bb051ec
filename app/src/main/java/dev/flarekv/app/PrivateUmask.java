package dev.flarekv.app;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every file and directory the {@code flarekv} process creates owner-only, by adding 077 to
 * the process umask ({@code umask(2)} through JNA) before anything else runs. RocksDB creates its
 * files (WAL, SST, blob, MANIFEST, OPTIONS, LOG) with mode 0644 less the umask and offers no
 * setting for that from Java, so the umask is the one way to have them 0600 from the first byte.
 *
 * <p>The umask is process-wide: it is set here, in the command's main, and never by the storage
 * library (a test or embedding JVM keeps its own). A stricter umask already in force is kept. Where
 * it cannot be set (Windows, or JNA's native part cannot load) flarekv warns and goes on: the data
 * dir it creates is 0700 either way, which keeps other users out. See docs/reliability.md, "Private
 * data".
 */
final class PrivateUmask {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateUmask.class);

  /** No bit for group or others. */
  static final int OWNER_ONLY = 0077;

  /** The C library's umask(2); mode_t fits an int on every platform JNA supports. */
  interface LibC extends Library {
    int umask(int mask);
  }

  private PrivateUmask() {}

  /** Adds {@link #OWNER_ONLY} to the umask; returns the umask now in force, -1 when not set. */
  static int apply() {
    if (Platform.isWindows()) {
      return -1;
    }
    try {
      LibC libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
      int previous = libc.umask(OWNER_ONLY) & 0777;
      int wanted = previous | OWNER_ONLY;
      if (wanted != OWNER_ONLY) {
        libc.umask(wanted);
      }
      return wanted;
    } catch (LinkageError | RuntimeException e) {
      LOG.warn(
          "could not set umask 077 ({}); new files may be readable by others where their"
              + " directory allows it (a data dir flarekv creates is 0700 either way)",
          e.toString());
      return -1;
    }
  }
}
