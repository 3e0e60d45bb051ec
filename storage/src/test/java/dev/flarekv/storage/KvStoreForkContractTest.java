package dev.flarekv.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KvStore#forkNamespace}, for every engine: a copy of the live keys with value, metadata and
 * expiration, independent of its source; refusals create nothing. Subclasses provide the engine.
 */
public abstract class KvStoreForkContractTest {
  protected static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  protected static final String OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210";
  protected static final long NOW_SECONDS = 1000;

  @TempDir protected Path dir;
  protected MutableClock clock;
  protected KvStore store;
  protected NamespaceRef source;

  /** A fresh, empty engine storing its files (if any) under {@code dir}. */
  protected abstract KvStore createStore(Path dir, InstantSource clock);

  @BeforeEach
  void openStore() {
    clock = MutableClock.atSeconds(NOW_SECONDS);
    store = createStore(dir, clock);
    source = store.createNamespace(ACCOUNT, "source").ref();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static KvEntry entry(String key, String value, String metadata, long expiration) {
    return new KvEntry(key, value.getBytes(UTF_8), metadata, expiration);
  }

  protected List<KvEntry> all(NamespaceRef ref) {
    List<KvEntry> out = new ArrayList<>();
    String after = null;
    while (true) {
      var page = store.list(ref, "", after, 1000);
      List<String> names = page.keys().stream().map(KeyInfo::name).toList();
      names.forEach(name -> out.add(store.get(ref, name).orElseThrow()));
      if (page.listComplete()) {
        return out;
      }
      after = names.get(names.size() - 1);
    }
  }

  @Test
  void fork_copiesEveryLiveKeyWithMetadataAndExpiration_acrossManyPages() {
    List<KvEntry> written = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      String meta = i % 3 == 0 ? "{\"n\":" + i + "}" : null;
      long expiration = i % 5 == 0 ? NOW_SECONDS + 3600 + i : KvEntry.NO_EXPIRATION;
      written.add(entry(String.format("key-%05d", i), "value " + i, meta, expiration));
    }
    store.putAll(source, written);
    store.put(source, new KvEntry("bin\u00e9", new byte[] {0, -1, 7}, null, 0));

    Namespace fork = store.forkNamespace(source, "fork");

    assertThat(fork.title()).isEqualTo("fork");
    assertThat(fork.accountId()).isEqualTo(ACCOUNT);
    assertThat(fork.id()).isNotEqualTo(source.namespaceId()).hasSize(32);
    assertThat(store.namespace(fork.ref())).contains(fork);
    assertThat(store.namespaceById(fork.id())).contains(fork);
    assertThat(all(fork.ref())).containsExactlyElementsOf(all(source)).hasSize(2501);
    assertThat(store.get(fork.ref(), "key-00003").orElseThrow().metadata()).isEqualTo("{\"n\":3}");
    assertThat(store.get(fork.ref(), "key-00005").orElseThrow().expiration())
        .isEqualTo(NOW_SECONDS + 3605);
    assertThat(store.get(fork.ref(), "bin\u00e9").orElseThrow().value()).containsExactly(0, -1, 7);
  }

  @Test
  void fork_skipsExpiredKeys_andCopiedKeysExpireAtTheSameInstant() {
    store.put(source, entry("gone", "x", null, NOW_SECONDS + 60));
    store.put(source, entry("later", "y", null, NOW_SECONDS + 120));
    store.put(source, entry("kept", "z", null, 0));
    clock.advanceSeconds(60);

    NamespaceRef fork = store.forkNamespace(source, "fork").ref();

    assertThat(all(fork)).extracting(KvEntry::key).containsExactly("kept", "later");
    clock.advanceSeconds(60);
    assertThat(store.get(fork, "later")).isEmpty();
    assertThat(store.get(source, "later")).isEmpty();
    store.sweepExpired(100);
    assertThat(all(fork)).extracting(KvEntry::key).containsExactly("kept");
    assertThat(all(source)).extracting(KvEntry::key).containsExactly("kept");
  }

  @Test
  void fork_isIndependentOfItsSource() {
    store.put(source, entry("a", "1", "{\"m\":1}", 0));
    store.put(source, entry("b", "2", null, 0));
    NamespaceRef fork = store.forkNamespace(source, "fork").ref();

    store.put(fork, entry("a", "changed", null, 0));
    store.delete(fork, "b");
    store.put(source, entry("c", "3", null, 0));

    assertThat(all(source))
        .containsExactly(
            entry("a", "1", "{\"m\":1}", 0), entry("b", "2", null, 0), entry("c", "3", null, 0));
    assertThat(all(fork)).containsExactly(entry("a", "changed", null, 0));
    store.deleteNamespace(source);
    assertThat(all(fork)).containsExactly(entry("a", "changed", null, 0));
  }

  @Test
  void fork_ofAnEmptyNamespace_isAnEmptyNamespace() {
    NamespaceRef fork = store.forkNamespace(source, "empty").ref();
    assertThat(all(fork)).isEmpty();
    assertThat(store.namespaces(ACCOUNT))
        .extracting(Namespace::title)
        .containsExactlyInAnyOrder("source", "empty");
  }

  @Test
  void fork_ontoAnExistingTitle_isRefused_andCreatesNothing() {
    store.put(source, entry("a", "1", null, 0));
    store.createNamespace(ACCOUNT, "taken");

    assertCode(() -> store.forkNamespace(source, "taken"), ErrorCode.DUPLICATE_TITLE);
    assertCode(() -> store.forkNamespace(source, "source"), ErrorCode.DUPLICATE_TITLE);

    assertThat(store.namespaces(ACCOUNT))
        .extracting(Namespace::title)
        .containsExactlyInAnyOrder("source", "taken");
    // the refused title is not held: a later fork and a create both work
    store.deleteNamespace(
        store.namespaces(ACCOUNT).stream()
            .filter(n -> n.title().equals("taken"))
            .findFirst()
            .orElseThrow()
            .ref());
    assertThat(all(store.forkNamespace(source, "taken").ref())).hasSize(1);
  }

  @Test
  void fork_reservesItsTitle_whileTheSameTitleInAnotherAccountIsFree() {
    store.createNamespace(OTHER_ACCOUNT, "fork");
    NamespaceRef fork = store.forkNamespace(source, "fork").ref();
    assertThat(fork.accountId()).isEqualTo(ACCOUNT);
    assertCode(() -> store.createNamespace(ACCOUNT, "fork"), ErrorCode.DUPLICATE_TITLE);
  }

  @Test
  void fork_ofAnUnknownNamespace_isNotFound() {
    assertCode(
        () -> store.forkNamespace(new NamespaceRef(ACCOUNT, "0".repeat(32)), "x"),
        ErrorCode.NAMESPACE_NOT_FOUND);
    assertCode(
        () -> store.forkNamespace(new NamespaceRef(OTHER_ACCOUNT, source.namespaceId()), "x"),
        ErrorCode.NAMESPACE_NOT_FOUND);
    store.deleteNamespace(source);
    assertCode(() -> store.forkNamespace(source, "x"), ErrorCode.NAMESPACE_NOT_FOUND);
    assertThat(store.namespaces(ACCOUNT)).isEmpty();
    assertThat(store.namespaces(OTHER_ACCOUNT)).isEmpty();
  }

  protected static void assertCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
