package dev.flarekv.protocol.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvLimitsTest {

  @Test
  void limits_matchTheSpec() {
    assertThat(KvLimits.MAX_KEY_SIZE_BYTES).isEqualTo(512);
    assertThat(KvLimits.MAX_VALUE_SIZE_BYTES).isEqualTo(25 * 1024 * 1024);
    assertThat(KvLimits.MAX_METADATA_SIZE_BYTES).isEqualTo(1024);
    assertThat(KvLimits.MIN_EXPIRATION_TTL_SECONDS).isEqualTo(60);
    assertThat(KvLimits.MIN_CACHE_TTL_SECONDS).isEqualTo(30);
    assertThat(KvLimits.MAX_LIST_KEYS).isEqualTo(1000);
    assertThat(KvLimits.MIN_REST_LIST_KEYS).isEqualTo(10);
    assertThat(KvLimits.MAX_BULK_GET_KEYS).isEqualTo(100);
    assertThat(KvLimits.MAX_BULK_GET_SIZE_BYTES).isEqualTo(26_214_400);
    assertThat(KvLimits.MAX_BULK_WRITE_ITEMS).isEqualTo(10_000);
    assertThat(KvLimits.MAX_BULK_WRITE_BODY_BYTES).isEqualTo(100_000_000L);
    assertThat(KvLimits.MAX_NAMESPACES).isEqualTo(1000);
    assertThat(KvLimits.MAX_TITLE_LENGTH).isEqualTo(512);
    assertThat(KvLimits.MAX_NAMESPACES_PER_PAGE).isEqualTo(1000);
    assertThat(KvLimits.DEFAULT_NAMESPACES_PER_PAGE).isEqualTo(20);
  }

  @Test
  void maxExpiration_isYear10000() {
    assertThat(java.time.Instant.ofEpochSecond(KvLimits.MAX_EXPIRATION_EXCLUSIVE_SECONDS))
        .hasToString("+10000-01-01T00:00:00Z");
  }
}
