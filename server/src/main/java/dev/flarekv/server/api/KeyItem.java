package dev.flarekv.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.flarekv.protocol.model.KeyInfo;

/**
 * A key as the REST list shows it: {@code {name, expiration?, metadata?}}. Metadata is already
 * compact JSON text and is written as is, not re-parsed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record KeyItem(String name, Long expiration, @JsonRawValue String metadata) {
  static KeyItem of(KeyInfo info) {
    return new KeyItem(
        info.name(), info.expiration() == 0 ? null : info.expiration(), info.metadata());
  }
}
