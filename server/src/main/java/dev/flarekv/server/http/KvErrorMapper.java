package dev.flarekv.server.http;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.server.api.ApiReply;
import dev.flarekv.storage.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place where a failure becomes an HTTP error envelope. Expected failures carry their
 * {@link ErrorCode}; anything else is logged with its stack trace and answered with a generic 500,
 * so no stack trace or internal detail reaches a client.
 */
public final class KvErrorMapper {
  private static final Logger log = LoggerFactory.getLogger(KvErrorMapper.class);

  private KvErrorMapper() {}

  /** The error reply for a failure. */
  public static ApiReply reply(Throwable failure) {
    if (failure instanceof KvException e) {
      return ApiReply.error(e.errorCode(), e.getMessage());
    }
    if (failure instanceof StoreException e && e.outOfSpace()) {
      log.warn(
          "write refused, storage is out of space: {} ({})",
          e.getMessage(),
          e.getCause() == null ? "no detail" : e.getCause().getMessage());
      return ApiReply.error(
          ErrorCode.UNAVAILABLE, "Storage is out of space; writes are refused until space returns");
    }
    if (failure instanceof StoreException e) {
      log.error("storage failure", e);
      return ApiReply.error(ErrorCode.INTERNAL, "Internal storage error");
    }
    log.error("unexpected failure", failure);
    return ApiReply.error(ErrorCode.INTERNAL, ErrorCode.INTERNAL.defaultMessage());
  }
}
