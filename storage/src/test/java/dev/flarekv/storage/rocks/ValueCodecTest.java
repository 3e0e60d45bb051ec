package dev.flarekv.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flarekv.protocol.model.KvEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
  @Test
  void encodedLength_isTheLengthOfTheRecord() {
    for (KvEntry entry :
        List.of(
            new KvEntry("a", new byte[0], null, 0),
            new KvEntry("b", new byte[100], "{\"m\":1}", 1_700_000_000L),
            new KvEntry("c", new byte[3], "\"é😀\"", 0),
            new KvEntry("d", new byte[70_000], "[" + "1,".repeat(300) + "1]", 5))) {
      assertThat(ValueCodec.encodedLength(entry))
          .as(entry.key())
          .isEqualTo(ValueCodec.encode(entry).length);
    }
  }
}
