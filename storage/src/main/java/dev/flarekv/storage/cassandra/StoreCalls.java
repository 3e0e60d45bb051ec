package dev.flarekv.storage.cassandra;

import com.datastax.oss.driver.api.core.DriverException;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.storage.StoreException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The frame every operation of the store runs in: refused once the store is closed, and a driver
 * failure becomes a {@link StoreException} that names the operation and the keyspace. {@link
 * KvException}s (the caller's mistakes) and {@link StoreException}s pass through unchanged.
 */
final class StoreCalls {
  private final String keyspace;
  private final AtomicBoolean closed = new AtomicBoolean();

  StoreCalls(String keyspace) {
    this.keyspace = keyspace;
  }

  /** Marks the store closed; true for the one caller that closed it. */
  boolean close() {
    return closed.compareAndSet(false, true);
  }

  boolean isClosed() {
    return closed.get();
  }

  <T> T call(String op, Supplier<T> body) {
    if (closed.get()) {
      throw new StoreException("store is closed", null);
    }
    try {
      return body.get();
    } catch (KvException | StoreException e) {
      throw e;
    } catch (DriverException | CompletionException e) {
      if (closed.get()) {
        throw new StoreException("store is closed", e);
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      throw new StoreException(
          "Error while " + op + " in Cassandra keyspace " + keyspace + ": " + cause, cause);
    }
  }

  void run(String op, Runnable body) {
    call(
        op,
        () -> {
          body.run();
          return null;
        });
  }
}
