package dev.flarekv.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.model.KeyInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyListPageTest {

  @Test
  void emptyCursorMeansComplete() {
    assertThat(new KeyListPage(List.of(), "").cursor()).isNull();
    assertThat(new KeyListPage(List.of(), "").hasMore()).isFalse();
    assertThat(new KeyListPage(List.of(), null).hasMore()).isFalse();
    assertThat(new KeyListPage(List.of(), "AQ").hasMore()).isTrue();
  }

  @Test
  void keysCopied() {
    List<KeyInfo> keys = new ArrayList<>(List.of(new KeyInfo("a", 0, null)));
    KeyListPage page = new KeyListPage(keys, null);
    keys.clear();
    assertThat(page.keys()).hasSize(1);
    assertThatThrownBy(() -> page.keys().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new KeyListPage(null, null)).isInstanceOf(NullPointerException.class);
  }
}
