package dev.flarekv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkFileTest {
  @TempDir Path dir;

  private BulkFile file(String json) throws IOException {
    Files.writeString(dir.resolve("items.json"), json);
    CliIo io =
        new CliIo(
            new ByteArrayOutputStream(),
            new ByteArrayInputStream(new byte[0]),
            Map.of(),
            dir,
            false);
    return BulkFile.open(io, Path.of("items.json"), "an array of numbers");
  }

  @Test
  void batchesKeepOrderLeaveOutWhatConvertDropsAndSendTheRemainder() throws IOException {
    BulkFile file = file("[1, 2, 3, 4, 5, 6, 7, 8]");
    List<List<Integer>> batches = new ArrayList<>();
    // odd numbers are dropped, so they must not count towards a batch
    file.batches(3, item -> item.intValue() % 2 == 0 ? item.intValue() : null, batches::add);
    assertThat(batches).containsExactly(List.of(2, 4, 6), List.of(8));
  }

  @Test
  void batchesOfAnEmptyArrayCallNothing() throws IOException {
    List<List<JsonNode>> batches = new ArrayList<>();
    file("[]").batches(2, item -> item, batches::add);
    assertThat(batches).isEmpty();
  }

  @Test
  void checkCountsItemsAndPassesWhenNothingIsWrong() throws IOException {
    BulkFile.Checked checked = file("[1, 2, 3]").check((index, item) -> null);
    assertThat(checked.problems()).isEmpty();
    assertThat(checked.orThrow("Every item is a number.")).isEqualTo(3);
  }

  @Test
  void checkListsProblemsUpToTheCapThenFailsWithWranglersMessage() throws IOException {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(i).append('"');
    }
    BulkFile.Checked checked =
        file(json.append(']').toString())
            .check((index, item) -> index == 0 ? null : "item " + index + " is a string.");
    assertThat(checked.items()).isEqualTo(20);
    assertThat(checked.problems())
        .hasSize(JsonArrayFile.MAX_REPORTED + 1)
        .startsWith("item 1 is a string.")
        .endsWith("...");
    assertThatThrownBy(() -> checked.orThrow("Every item is a number."))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(
            "Unexpected JSON input from \"items.json\". Every item is a number. item 1 is a"
                + " string. item 2 is a string.")
        .hasMessageEndingWith(" ...");
  }
}
