package dev.flarekv.server.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** Already-serialised JSON text embedded as is in a response. */
record RawJson(String json) {
  @JsonValue
  @JsonRawValue
  @Override
  public String json() {
    return json;
  }
}
