package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.json.KvJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The layout of JavaScript's {@code JSON.stringify(value, null, 2)}, which wrangler prints. */
class JsJsonTest {
  private static String pretty(String json) {
    return JsJson.pretty(KvJson.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void pretty_matchesJsonStringify() {
    assertThat(pretty("{\"a\":1,\"b\":[1,{\"c\":null}],\"d\":{},\"e\":[]}"))
        .isEqualTo(
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n"
                + "  \"d\": {},\n  \"e\": []\n}");
    assertThat(pretty("[]")).isEqualTo("[]");
    assertThat(pretty("\"x\"")).isEqualTo("\"x\"");
  }

  @Test
  void arrayWriter_streamsTheSameTextAsPrettyOfTheWholeArray() {
    StringWriter sw = new StringWriter();
    JsJson.ArrayWriter w = new JsJson.ArrayWriter(new PrintWriter(sw));
    w.add(
        KvJson.parse("{\"name\":\"a\",\"metadata\":{\"x\":[1]}}".getBytes(StandardCharsets.UTF_8)));
    w.flush();
    w.add(KvJson.parse("{\"name\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
    w.finish();
    assertThat(sw.toString())
        .isEqualTo(pretty("[{\"name\":\"a\",\"metadata\":{\"x\":[1]}},{\"name\":\"b\"}]") + "\n");

    StringWriter empty = new StringWriter();
    new JsJson.ArrayWriter(new PrintWriter(empty)).finish();
    assertThat(empty.toString()).isEqualTo("[]\n");
  }

  @Test
  void bindingName_likeWrangler() {
    assertThat(NamespaceCreateCommand.bindingName("my-cache")).isEqualTo("my_cache");
    assertThat(NamespaceCreateCommand.bindingName("a  b--c")).isEqualTo("a_b_c");
    assertThat(NamespaceCreateCommand.bindingName("1st")).isEqualTo("_1st");
    assertThat(NamespaceCreateCommand.bindingName("--")).isEqualTo("KV");
    assertThat(NamespaceCreateCommand.bindingName("é!")).isEqualTo("KV");
  }
}
