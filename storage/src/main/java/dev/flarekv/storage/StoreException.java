package dev.flarekv.storage;

/**
 * An unexpected failure of the storage engine (I/O error, corruption, closed store). Carries the
 * operation and store name; the engine's own exception is the cause.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean outOfSpace;

  public StoreException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public StoreException(String message, Throwable cause, boolean outOfSpace) {
    super(message, cause);
    this.outOfSpace = outOfSpace;
  }

  /** Whether the failure is a full disk (writes may succeed again once space returns). */
  public boolean outOfSpace() {
    return outOfSpace;
  }
}
