package dev.flarekv.server;

import static dev.flarekv.server.testkit.TestServer.encodeURIComponent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flarekv.server.testkit.TestServer;
import dev.flarekv.server.testkit.TestServer.Reply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A6: key listing (L1-L8) and conformance cases 41-58. */
class KeysApiTest extends NamespaceApiTest {
  static final long NOW = TestServer.NOW_SECONDS;

  void put(String key) {
    assertThat(server.put(base + "/values/" + encodeURIComponent(key), "v").status())
        .isEqualTo(200);
  }

  List<String> names(Reply r) {
    List<String> out = new ArrayList<>();
    for (JsonNode k : r.result()) {
      out.add(k.path("name").asText());
    }
    return out;
  }

  Reply list(String query) {
    return server.get(base + "/keys" + query);
  }

  @Test
  void list_ordersByUtf8Bytes() {
    for (String k : List.of("key3", "key1", "key2", ", ", "!", "\uE000", "😀")) {
      put(k);
    }
    Reply r = list("");
    assertThat(r.status()).isEqualTo(200);
    assertThat(names(r)).containsExactly("!", ", ", "key1", "key2", "key3", "\uE000", "😀");
    assertThat(r.json().path("result_info").path("count").asInt()).isEqualTo(7);
    assertThat(r.json().path("result_info").path("cursor").asText()).isEmpty();
  }

  @Test
  void list_prefixIsExactAndCaseSensitive() {
    for (String k :
        List.of(
            "section1key1",
            "section1key2",
            "section2key1",
            "key1",
            "key\\_%1",
            "key\\a",
            "key\\_%2",
            "exact-match",
            "exact-match-extended")) {
      put(k);
    }
    assertThat(names(list("?prefix=section1"))).containsExactly("section1key1", "section1key2");
    assertThat(names(list("?prefix=KEY"))).isEmpty();
    assertThat(names(list("?prefix=" + encodeURIComponent("key\\_%"))))
        .containsExactly("key\\_%1", "key\\_%2");
    assertThat(names(list("?prefix=exact-match")))
        .containsExactly("exact-match", "exact-match-extended");
    Reply none = list("?prefix=zzz");
    assertThat(none.result().size()).isZero();
    assertThat(none.json().path("result_info").path("count").asInt()).isZero();
  }

  @Test
  void list_prefixWithPlusMeansSpace() {
    put("a b1");
    put("a+b2");
    assertThat(names(list("?prefix=a+b"))).containsExactly("a b1");
    assertThat(names(list("?prefix=a%2Bb"))).containsExactly("a+b2");
  }

  @Test
  void list_prefixLimit() {
    String key = "p".repeat(512);
    put(key);
    assertThat(names(list("?prefix=" + key))).containsExactly(key);
    Reply r = list("?prefix=" + "p".repeat(513));
    assertThat(r.status()).isEqualTo(414);
  }

  @Test
  void list_paginatesWithCursor_andEndsWithEmptyCursor() {
    for (int i = 0; i < 15; i++) {
      put(String.format("k%02d", i));
    }
    Reply page1 = list("?limit=10");
    assertThat(names(page1)).hasSize(10).startsWith("k00").endsWith("k09");
    String cursor = page1.json().path("result_info").path("cursor").asText();
    assertThat(cursor).isNotEmpty();
    Reply page2 = list("?limit=10&cursor=" + cursor);
    assertThat(names(page2)).containsExactly("k10", "k11", "k12", "k13", "k14");
    assertThat(page2.json().path("result_info").path("cursor").asText()).isEmpty();
  }

  @Test
  void list_exactlyFullLastPage_hasEmptyCursor() {
    for (int i = 0; i < 10; i++) {
      put("k" + i);
    }
    Reply r = list("?limit=10");
    assertThat(names(r)).hasSize(10);
    assertThat(r.json().path("result_info").path("cursor").asText()).isEmpty();
  }

  @Test
  void list_cursorMeansStrictlyAfter_keysInsertedWhilePaginating() {
    for (String k :
        List.of(
            "key01", "key03", "key05", "key06", "key07", "key08", "key09", "key10", "key11",
            "key12", "key13")) {
      put(k);
    }
    Reply page1 = list("?limit=10");
    assertThat(names(page1)).endsWith("key12");
    put("key02"); // before the cursor: not returned
    put("key125"); // after it: returned
    Reply page2 =
        list("?limit=10&cursor=" + page1.json().path("result_info").path("cursor").asText());
    assertThat(names(page2)).containsExactly("key125", "key13");
  }

  @Test
  void list_paginationOfPrefixNeverLeaksOtherKeys() {
    for (int i = 0; i < 25; i++) {
      put("section1-" + String.format("%02d", i));
      put("section2-" + String.format("%02d", i));
    }
    Set<String> seen = new HashSet<>();
    String cursor = "";
    int pages = 0;
    do {
      Reply r = list("?prefix=section1&limit=10" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
      for (String n : names(r)) {
        assertThat(n).startsWith("section1");
        assertThat(seen.add(n)).isTrue();
      }
      cursor = r.json().path("result_info").path("cursor").asText();
      pages++;
    } while (!cursor.isEmpty());
    assertThat(seen).hasSize(25);
    assertThat(pages).isEqualTo(3);
  }

  @ParameterizedTest
  @CsvSource({
    "0, limit: Too small: expected number to be >=10",
    "9, limit: Too small: expected number to be >=10",
    "1001, limit: Too big: expected number to be <=1000",
    "abc, 'limit: Expected query param to be number but received \"abc\"'"
  })
  void list_limitOutOfRange_is400(String limit, String message) {
    Reply r = list("?limit=" + limit);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(10001);
    assertThat(r.errorMessage()).isEqualTo(message);
  }

  @Test
  void list_limit1000_returnsAThousand() {
    StringBuilder bulk = new StringBuilder("[");
    for (int i = 0; i < 1500; i++) {
      bulk.append(i == 0 ? "" : ",")
          .append("{\"key\":\"k")
          .append(String.format("%04d", i))
          .append("\",\"value\":\"v\"}");
    }
    server.putJson(base + "/bulk", bulk.append("]").toString());
    assertThat(names(list("?limit=1000"))).hasSize(1000);
    assertThat(names(list(""))).hasSize(1000); // the default
  }

  @Test
  void list_invalidCursor_is400() {
    assertThat(list("?cursor=!!!notbase64").status()).isEqualTo(400);
  }

  @Test
  void list_hidesExpiredKeys() {
    server.put(base + "/values/a?expiration=" + (NOW + 60), "v");
    server.put(base + "/values/b?expiration=" + (NOW + 120), "v");
    server.put(base + "/values/c?expiration=" + (NOW + 180), "v");
    server.clock().setSeconds(NOW + 130);
    Reply r = list("");
    assertThat(names(r)).containsExactly("c");
    assertThat(r.result().get(0).path("expiration").asLong()).isEqualTo(NOW + 180);
    assertThat(r.json().path("result_info").path("cursor").asText()).isEmpty();
  }

  @Test
  void list_keysWithoutExtrasHaveOnlyName() {
    put("plain");
    JsonNode item = list("").result().get(0);
    assertThat(item.size()).isEqualTo(1);
    assertThat(item.path("name").asText()).isEqualTo("plain");
  }
}
