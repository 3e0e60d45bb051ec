package dev.flarekv.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KeyPage;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.protocol.model.NamespaceRef;
import dev.flarekv.storage.testkit.MutableClock;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link KvStore} engine must show: the storage rules of docs/kv-semantics.md
 * §1-§9. Subclasses provide the engine. The clock stands at 1000 s, as in Miniflare's tests.
 */
public abstract class KvStoreContractTest {
  protected static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  protected static final String OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210";
  protected static final long NOW_SECONDS = 1000;

  @TempDir protected Path dir;
  protected MutableClock clock;
  protected KvStore store;
  protected NamespaceRef ns;

  /** A fresh, empty engine storing its files (if any) under {@code dir}. */
  protected abstract KvStore createStore(Path dir, InstantSource clock);

  /** Records physically held by the engine, expired ones included. */
  protected abstract long rawRecordCount(KvStore store);

  @BeforeEach
  void openStore() {
    clock = MutableClock.atSeconds(NOW_SECONDS);
    store = createStore(dir, clock);
    ns = store.createNamespace(ACCOUNT, "main").ref();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static KvEntry entry(String key, String value) {
    return new KvEntry(key, value.getBytes(UTF_8), null, KvEntry.NO_EXPIRATION);
  }

  protected static KvEntry entry(String key, String value, String metadata, long expiration) {
    return new KvEntry(key, value.getBytes(UTF_8), metadata, expiration);
  }

  protected String valueOf(NamespaceRef ref, String key) {
    return store.get(ref, key).map(e -> new String(e.value(), UTF_8)).orElse(null);
  }

  protected List<String> names(KeyPage page) {
    return page.keys().stream().map(KeyInfo::name).toList();
  }

  protected List<String> listAll(NamespaceRef ref, String prefix) {
    return names(store.list(ref, prefix, null, 1000));
  }

  private static void assertNamespaceNotFound(Runnable call, String op) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KvException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND))
        .hasMessage(op + ": 'namespace not found'");
  }

  private static void assertErrorCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }

  /* --------------------------------------------------------------- namespaces (N) */

  @Test
  void createNamespace_idIs32LowercaseHex() {
    Namespace created = store.createNamespace(ACCOUNT, "second");
    assertThat(created.id()).matches("^[0-9a-f]{32}$").isNotEqualTo(ns.namespaceId());
    assertThat(created.title()).isEqualTo("second");
    assertThat(created.accountId()).isEqualTo(ACCOUNT);
    assertThat(store.namespace(created.ref())).contains(created);
  }

  @Test
  void createNamespace_duplicateTitle_10014() {
    assertErrorCode(() -> store.createNamespace(ACCOUNT, "main"), ErrorCode.DUPLICATE_TITLE);
    assertThat(ErrorCode.DUPLICATE_TITLE.code()).isEqualTo(10014);
    assertThat(store.createNamespace(OTHER_ACCOUNT, "main").title()).isEqualTo("main");
  }

  @Test
  void namespaces_isolatedPerAccount() {
    Namespace other = store.createNamespace(OTHER_ACCOUNT, "theirs");
    assertThat(store.namespaces(ACCOUNT)).extracting(Namespace::title).containsExactly("main");
    assertThat(store.namespaces(OTHER_ACCOUNT)).containsExactly(other);
    assertThat(store.namespaces("nobody")).isEmpty();
    NamespaceRef foreign = new NamespaceRef(OTHER_ACCOUNT, ns.namespaceId());
    assertThat(store.namespace(foreign)).isEmpty();
    assertNamespaceNotFound(() -> store.get(foreign, "k"), "get");
    assertNamespaceNotFound(() -> store.put(foreign, entry("k", "v")), "put");
    assertNamespaceNotFound(() -> store.list(foreign, "", null, 10), "list keys");
    assertNamespaceNotFound(() -> store.delete(foreign, "k"), "remove key");
    assertNamespaceNotFound(() -> store.getAll(foreign, List.of("k")), "bulk get keys");
    assertErrorCode(() -> store.deleteNamespace(foreign), ErrorCode.NAMESPACE_NOT_FOUND);
    assertThat(store.namespace(ns)).isPresent();
  }

  @Test
  void namespaceById_findsAnyAccount_andForgetsDeleted() {
    Namespace other = store.createNamespace(OTHER_ACCOUNT, "theirs");
    assertThat(store.namespaceById(other.id())).contains(other);
    assertThat(store.namespaceById(ns.namespaceId()).map(Namespace::accountId)).contains(ACCOUNT);
    assertThat(store.namespaceById("00000000000000000000000000000000")).isEmpty();
    assertThat(store.namespaceById("not-an-id")).isEmpty();
    store.deleteNamespace(other.ref());
    assertThat(store.namespaceById(other.id())).isEmpty();
  }

  @Test
  void keyOps_unknownNamespace_notFound() {
    NamespaceRef unknown = new NamespaceRef(ACCOUNT, "00000000000000000000000000000000");
    assertNamespaceNotFound(() -> store.get(unknown, "k"), "get");
    assertNamespaceNotFound(() -> store.putAll(unknown, List.of(entry("k", "v"))), "bulk put keys");
    assertNamespaceNotFound(() -> store.deleteAll(unknown, List.of("k")), "bulk remove keys");
    NamespaceRef malformed = new NamespaceRef(ACCOUNT, "not-an-id");
    assertNamespaceNotFound(() -> store.get(malformed, "k"), "get");
    assertThat(store.namespace(malformed)).isEmpty();
  }

  @Test
  void renameNamespace_keepsIdAndData() {
    store.put(ns, entry("k", "v"));
    Namespace renamed = store.renameNamespace(ns, "renamed");
    assertThat(renamed.id()).isEqualTo(ns.namespaceId());
    assertThat(renamed.title()).isEqualTo("renamed");
    assertThat(store.namespace(ns)).contains(renamed);
    assertThat(valueOf(ns, "k")).isEqualTo("v");
    // the old title is free again
    assertThat(store.createNamespace(ACCOUNT, "main").title()).isEqualTo("main");
  }

  @Test
  void renameNamespace_toExistingTitle_fails() {
    store.createNamespace(ACCOUNT, "taken");
    assertErrorCode(() -> store.renameNamespace(ns, "taken"), ErrorCode.DUPLICATE_TITLE);
    assertThat(store.renameNamespace(ns, "main").title()).isEqualTo("main");
    assertThat(store.namespace(ns).orElseThrow().title()).isEqualTo("main");
  }

  @Test
  void renameNamespace_unknown_notFound() {
    NamespaceRef unknown = new NamespaceRef(ACCOUNT, "11111111111111111111111111111111");
    assertErrorCode(() -> store.renameNamespace(unknown, "x"), ErrorCode.NAMESPACE_NOT_FOUND);
  }

  @Test
  void deleteNamespace_removesData() {
    Namespace keep = store.createNamespace(ACCOUNT, "keep");
    store.put(keep.ref(), entry("k", "kept"));
    store.putAll(ns, List.of(entry("a", "1"), entry("b", "2", null, NOW_SECONDS + 60)));
    store.deleteNamespace(ns);

    assertThat(store.namespace(ns)).isEmpty();
    assertThat(store.namespaces(ACCOUNT)).containsExactly(keep);
    assertNamespaceNotFound(() -> store.get(ns, "a"), "get");
    assertNamespaceNotFound(() -> store.list(ns, "", null, 10), "list keys");
    assertErrorCode(() -> store.deleteNamespace(ns), ErrorCode.NAMESPACE_NOT_FOUND);
    assertThat(valueOf(keep.ref(), "k")).isEqualTo("kept");
    assertThat(rawRecordCount(store)).isEqualTo(1);

    NamespaceRef again = store.createNamespace(ACCOUNT, "main").ref();
    assertThat(again.namespaceId()).isNotEqualTo(ns.namespaceId());
    assertThat(store.list(again, "", null, 10).keys()).isEmpty();
  }

  /** Writes each racing writer has made before the namespace is deleted under it. */
  private static final int WRITES_BEFORE_DELETE = 10;

  @Test
  void deleteNamespace_racingWrites_leaveNoOrphans() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CountDownLatch started = new CountDownLatch(3);
      List<Future<Integer>> writers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; ; i++) {
                    try {
                      if (i % 2 == 0) {
                        store.put(ns, entry("t" + thread + "-" + i, "v"));
                      } else {
                        store.putAll(ns, List.of(entry("b" + thread + "-" + i, "v")));
                      }
                      if (i == WRITES_BEFORE_DELETE) {
                        started.countDown(); // every writer is well into its writes
                      }
                    } catch (KvException e) {
                      assertThat(e.errorCode()).isEqualTo(ErrorCode.NAMESPACE_NOT_FOUND);
                      return i;
                    }
                  }
                }));
      }
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      store.deleteNamespace(ns);
      for (Future<Integer> writer : writers) {
        assertThat(writer.get(10, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(rawRecordCount(store)).isZero();
  }

  @Test
  void createNamespace_limitOf1000PerAccount() {
    for (int i = 1; i < 1000; i++) {
      store.createNamespace(ACCOUNT, "ns-" + i);
    }
    assertThat(store.namespaces(ACCOUNT)).hasSize(1000);
    assertErrorCode(
        () -> store.createNamespace(ACCOUNT, "one-more"), ErrorCode.TOO_MANY_NAMESPACES);
    assertThat(ErrorCode.TOO_MANY_NAMESPACES.code()).isEqualTo(10018);
    assertThat(store.createNamespace(OTHER_ACCOUNT, "one-more").title()).isEqualTo("one-more");
    store.deleteNamespace(ns);
    assertThat(store.createNamespace(ACCOUNT, "one-more").title()).isEqualTo("one-more");
  }

  /* --------------------------------------------------------------- values (V, M) */

  @Test
  void put_get_roundTrip() {
    store.put(ns, entry("k", "v", "{\"testing\":true}", NOW_SECONDS + 500));
    assertThat(store.get(ns, "k"))
        .contains(entry("k", "v", "{\"testing\":true}", NOW_SECONDS + 500));
    assertThat(store.get(ns, "missing")).isEmpty();
  }

  @Test
  void put_overwrite_clearsMetadataAndExpiration() {
    store.put(ns, entry("k", "old", "{\"a\":1}", 1500));
    store.put(ns, entry("k", "new"));
    assertThat(store.get(ns, "k")).contains(entry("k", "new"));
    assertThat(store.list(ns, "", null, 10).keys())
        .containsExactly(new KeyInfo("k", KvEntry.NO_EXPIRATION, null));
  }

  @Test
  void put_emptyValue() {
    store.put(ns, entry("empty", ""));
    assertThat(store.get(ns, "empty")).hasValueSatisfying(e -> assertThat(e.value()).isEmpty());
  }

  @Test
  void put_binaryBytes_roundTripExactly() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    store.put(ns, new KvEntry("bin", all.clone(), null, 0));
    store.put(
        ns, new KvEntry("mf", new byte[] {0, 1, 2, 127, (byte) 128, (byte) 254, -1}, null, 0));
    assertThat(store.get(ns, "bin").orElseThrow().value()).isEqualTo(all);
    assertThat(store.get(ns, "mf").orElseThrow().value())
        .containsExactly(0, 1, 2, 127, (byte) 128, (byte) 254, -1);
  }

  @Test
  void put_maximumValueOf25MiB() {
    byte[] big = new byte[26_214_400];
    for (int i = 0; i < big.length; i += 4096) {
      big[i] = (byte) (i >>> 12);
    }
    big[big.length - 1] = 42;
    store.put(ns, new KvEntry("big", big, "{\"size\":\"max\"}", 0));
    KvEntry read = store.get(ns, "big").orElseThrow();
    assertThat(read.value().length).isEqualTo(26_214_400);
    assertThat(Arrays.equals(read.value(), big)).isTrue();
    assertThat(read.metadata()).isEqualTo("{\"size\":\"max\"}");
    assertThat(store.list(ns, "", null, 10).keys())
        .containsExactly(new KeyInfo("big", 0, "{\"size\":\"max\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"123", "\"example\"", "{\"testing\":true}", "[1,2]", "false"})
  void put_metadataKept(String metadata) {
    store.put(ns, entry("k", "v", metadata, 0));
    assertThat(store.get(ns, "k").orElseThrow().metadata()).isEqualTo(metadata);
    assertThat(store.list(ns, "", null, 10).keys().get(0).metadata()).isEqualTo(metadata);
    assertThat(store.getAll(ns, List.of("k")).get("k").metadata()).isEqualTo(metadata);
  }

  @Test
  void put_maximumMetadata_listedWhole() {
    String metadata = "{\"key\":\"" + "x".repeat(1024 - 10) + "\"}";
    assertThat(metadata.getBytes(UTF_8)).hasSize(1024);
    store.put(ns, entry("k", "v", metadata, NOW_SECONDS + 60));
    assertThat(store.list(ns, "", null, 10).keys())
        .containsExactly(new KeyInfo("k", NOW_SECONDS + 60, metadata));
  }

  @Test
  void keys_areCaseSensitive_andAnyString() {
    List<String> keys =
        List.of("key", "KEY", "a/b?c#d e%f:!", "...", ".a", "a..b", "é😀", "\u0000");
    keys.forEach(key -> store.put(ns, entry(key, "v-" + key)));
    keys.forEach(key -> assertThat(valueOf(ns, key)).isEqualTo("v-" + key));
    assertThat(listAll(ns, "")).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void delete_missingKeySucceeds() {
    store.delete(ns, "never-written");
    store.put(ns, entry("k", "v"));
    store.delete(ns, "k");
    assertThat(store.get(ns, "k")).isEmpty();
    assertThat(listAll(ns, "")).isEmpty();
  }

  /* --------------------------------------------------------------- expiration (E) */

  @Test
  void expiry_boundary_getGetAllList() {
    store.put(ns, entry("k", "v", null, NOW_SECONDS + 60));
    store.put(ns, entry("forever", "v"));

    clock.setMillis((NOW_SECONDS + 60) * 1000 - 1);
    assertThat(store.get(ns, "k")).isPresent();
    assertThat(store.getAll(ns, List.of("k", "forever"))).containsOnlyKeys("k", "forever");
    assertThat(listAll(ns, "")).containsExactly("forever", "k");

    clock.setMillis((NOW_SECONDS + 60) * 1000);
    assertThat(store.get(ns, "k")).isEmpty();
    assertThat(store.getAll(ns, List.of("k", "forever"))).containsOnlyKeys("forever");
    assertThat(listAll(ns, "")).containsExactly("forever");
  }

  /**
   * getIfCached may decline (WOULD_BLOCK) at any time, but whatever it answers must be exactly what
   * get says: value, metadata, expiration, absence, and the expiry instant.
   */
  @Test
  void getIfCached_answersOnlyWhatGetSays() {
    store.put(ns, entry("k", "v", "{\"m\":1}", NOW_SECONDS + 60));
    store.put(ns, entry("forever", "v2"));
    for (long at : new long[] {NOW_SECONDS * 1000, (NOW_SECONDS + 60) * 1000 - 1}) {
      clock.setMillis(at);
      for (String key : List.of("k", "forever", "missing")) {
        ReadAttempt attempt = store.getIfCached(ns, key);
        if (attempt.answered()) {
          assertThat(attempt.entry()).as(key + " at " + at).isEqualTo(store.get(ns, key));
        }
      }
    }
    clock.setMillis((NOW_SECONDS + 60) * 1000);
    ReadAttempt expired = store.getIfCached(ns, "k");
    if (expired.answered()) {
      assertThat(expired.entry()).isEmpty();
    }
  }

  /** An unknown namespace is never answered as "key absent": the caller must learn it is 10013. */
  @Test
  void getIfCached_unknownOrForeignNamespace_neverAnswers() {
    store.put(ns, entry("k", "v"));
    assertThat(store.getIfCached(new NamespaceRef(ACCOUNT, "0".repeat(32)), "k").answered())
        .isFalse();
    assertThat(store.getIfCached(new NamespaceRef(OTHER_ACCOUNT, ns.namespaceId()), "k").answered())
        .isFalse();
    store.deleteNamespace(ns);
    assertThat(store.getIfCached(ns, "k").answered()).isFalse();
  }

  @Test
  void list_omitsExpired_keepsLaterExpiration() {
    store.put(ns, entry("k1", "v", null, 1060));
    store.put(ns, entry("k2", "v", null, 1120));
    store.put(ns, entry("k3", "v", null, 1180));
    clock.setSeconds(1130);
    KeyPage page = store.list(ns, "", null, 1000);
    assertThat(page.keys()).containsExactly(new KeyInfo("k3", 1180, null));
    assertThat(page.listComplete()).isTrue();
  }

  @Test
  void expired_thenRewritten_isVisibleAgain() {
    store.put(ns, entry("k", "old", null, NOW_SECONDS + 60));
    clock.advanceSeconds(61);
    assertThat(store.get(ns, "k")).isEmpty();
    store.put(ns, entry("k", "new"));
    assertThat(valueOf(ns, "k")).isEqualTo("new");
  }

  /* --------------------------------------------------------------- list (L) */

  @Test
  void list_ordersByUtf8Bytes() {
    store.putAll(ns, List.of(entry("key3", ""), entry("key1", ""), entry("key2", "")));
    assertThat(listAll(ns, "key")).containsExactly("key1", "key2", "key3");

    Namespace other = store.createNamespace(ACCOUNT, "symbols");
    store.putAll(other.ref(), List.of(entry(", ", ""), entry("!", "")));
    assertThat(listAll(other.ref(), "")).containsExactly("!", ", ");
  }

  @Test
  void list_privateUseBeforeEmoji_utf8NotUtf16Order() {
    // U+E000 is EE 80 80, U+1F600 is F0 9F 98 80; in UTF-16 the emoji's surrogate D83D sorts first.
    store.putAll(ns, List.of(entry("\uD83D\uDE00", ""), entry("\uE000", ""), entry("\uFFFF", "")));
    assertThat(listAll(ns, "")).containsExactly("\uE000", "\uFFFF", "\uD83D\uDE00");
    KeyPage first = store.list(ns, "", null, 1);
    assertThat(names(first)).containsExactly("\uE000");
    assertThat(names(store.list(ns, "", first.lastKey(), 1))).containsExactly("\uFFFF");
    assertThat(names(store.list(ns, "", "\uFFFF", 5))).containsExactly("\uD83D\uDE00");
  }

  @Test
  void list_prefixIsExact() {
    store.putAll(
        ns,
        List.of(
            entry("section1key1", ""),
            entry("section1key2", ""),
            entry("section2key1", ""),
            entry("key1", ""),
            entry("key\\_%1", ""),
            entry("key\\a", ""),
            entry("key\\_%2", ""),
            entry("exact-match", ""),
            entry("exact-match-extended", "")));
    assertThat(listAll(ns, "section1")).containsExactly("section1key1", "section1key2");
    assertThat(listAll(ns, "KEY")).isEmpty();
    assertThat(listAll(ns, "key\\_%")).containsExactly("key\\_%1", "key\\_%2");
    assertThat(listAll(ns, "exact-match")).containsExactly("exact-match", "exact-match-extended");
    assertThat(listAll(ns, "")).hasSize(9);
  }

  @Test
  void list_prefixOf512BytesEqualToKey() {
    String key = "p".repeat(512);
    store.putAll(ns, List.of(entry(key, ""), entry("p".repeat(511), "")));
    assertThat(listAll(ns, key)).containsExactly(key);
  }

  @Test
  void list_emptyOrNoMatch_isComplete() {
    KeyPage empty = store.list(ns, "", null, 10);
    assertThat(empty.keys()).isEmpty();
    assertThat(empty.listComplete()).isTrue();
    store.put(ns, entry("a", ""));
    KeyPage none = store.list(ns, "b", null, 10);
    assertThat(none.keys()).isEmpty();
    assertThat(none.listComplete()).isTrue();
  }

  @Test
  void list_doesNotCrossNamespaces() {
    Namespace other = store.createNamespace(ACCOUNT, "other");
    store.put(other.ref(), entry("a", ""));
    store.put(ns, entry("b", ""));
    assertThat(listAll(ns, "")).containsExactly("b");
    assertThat(listAll(other.ref(), "")).containsExactly("a");
  }

  @Test
  void list_paginates() {
    store.putAll(ns, List.of(entry("key1", ""), entry("key2", ""), entry("key3", "")));
    KeyPage page1 = store.list(ns, "", null, 2);
    assertThat(names(page1)).containsExactly("key1", "key2");
    assertThat(page1.listComplete()).isFalse();
    KeyPage page2 = store.list(ns, "", page1.lastKey(), 2);
    assertThat(names(page2)).containsExactly("key3");
    assertThat(page2.listComplete()).isTrue();

    KeyPage small = store.list(ns, "", null, 1);
    assertThat(names(small)).containsExactly("key1");
    assertThat(names(store.list(ns, "", small.lastKey(), 2))).containsExactly("key2", "key3");
  }

  @Test
  void list_keysInsertedWhilePaginating() {
    store.putAll(ns, List.of(entry("key1", ""), entry("key3", ""), entry("key5", "")));
    KeyPage page1 = store.list(ns, "", null, 2);
    assertThat(names(page1)).containsExactly("key1", "key3");
    store.putAll(ns, List.of(entry("key2", ""), entry("key4", "")));
    KeyPage page2 = store.list(ns, "", page1.lastKey(), 2);
    assertThat(names(page2)).containsExactly("key4", "key5");
    assertThat(page2.listComplete()).isTrue();
  }

  @Test
  void list_paginatesWithinPrefix() {
    store.putAll(
        ns,
        List.of(
            entry("section1a", ""),
            entry("section1b", ""),
            entry("section1c", ""),
            entry("section2a", "")));
    KeyPage page1 = store.list(ns, "section1", null, 2);
    assertThat(names(page1)).containsExactly("section1a", "section1b");
    assertThat(page1.listComplete()).isFalse();
    KeyPage page2 = store.list(ns, "section1", page1.lastKey(), 2);
    assertThat(names(page2)).containsExactly("section1c");
    assertThat(page2.listComplete()).isTrue();
  }

  @Test
  void list_startAfterOutsidePrefix() {
    store.putAll(ns, List.of(entry("a1", ""), entry("b1", ""), entry("b2", ""), entry("c1", "")));
    assertThat(names(store.list(ns, "b", "a9", 10))).containsExactly("b1", "b2");
    assertThat(names(store.list(ns, "b", "b", 10))).containsExactly("b1", "b2");
    KeyPage after = store.list(ns, "b", "b9", 10);
    assertThat(after.keys()).isEmpty();
    assertThat(after.listComplete()).isTrue();
  }

  @Test
  void list_exactlyFullPage_isComplete() {
    store.putAll(ns, List.of(entry("a", ""), entry("b", ""), entry("c", "")));
    KeyPage page = store.list(ns, "", null, 3);
    assertThat(names(page)).containsExactly("a", "b", "c");
    assertThat(page.listComplete()).isTrue();
  }

  @Test
  void list_fullPageFollowedOnlyByExpiredKeys_isComplete() {
    store.putAll(
        ns,
        List.of(
            entry("a", ""),
            entry("b", ""),
            entry("c", "", null, NOW_SECONDS + 60),
            entry("d", "", null, NOW_SECONDS + 60)));
    clock.advanceSeconds(60);
    KeyPage page = store.list(ns, "", null, 2);
    assertThat(names(page)).containsExactly("a", "b");
    assertThat(page.listComplete()).isTrue();
  }

  @Test
  void list_expiredKeysDoNotCountTowardsLimit() {
    store.putAll(
        ns,
        List.of(
            entry("a", "", null, NOW_SECONDS + 60),
            entry("b", ""),
            entry("c", "", null, NOW_SECONDS + 60),
            entry("d", ""),
            entry("e", "")));
    clock.advanceSeconds(60);
    KeyPage page = store.list(ns, "", null, 2);
    assertThat(names(page)).containsExactly("b", "d");
    assertThat(page.listComplete()).isFalse();
  }

  @Test
  void list_limitOneAndThousand() {
    List<KvEntry> entries =
        IntStream.range(0, 1001).mapToObj(i -> entry(String.format("k%04d", i), "")).toList();
    store.putAll(ns, entries);
    KeyPage one = store.list(ns, "", null, 1);
    assertThat(names(one)).containsExactly("k0000");
    assertThat(one.listComplete()).isFalse();
    KeyPage thousand = store.list(ns, "", null, 1000);
    assertThat(thousand.keys()).hasSize(1000);
    assertThat(thousand.lastKey()).isEqualTo("k0999");
    assertThat(thousand.listComplete()).isFalse();
    KeyPage rest = store.list(ns, "", thousand.lastKey(), 1000);
    assertThat(names(rest)).containsExactly("k1000");
    assertThat(rest.listComplete()).isTrue();
  }

  /* --------------------------------------------------------------- bulk (B) */

  @Test
  void putAll_duplicateKeys_lastWins() {
    store.putAll(
        ns,
        List.of(
            entry("k", "first", "{\"m\":1}", NOW_SECONDS + 60),
            entry("o", "x"),
            entry("k", "last")));
    assertThat(store.get(ns, "k")).contains(entry("k", "last"));
    assertThat(valueOf(ns, "o")).isEqualTo("x");
  }

  @Test
  void putAll_isSeenWholeByConcurrentReaders() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      store.putAll(ns, List.of(entry("a", "0"), entry("b", "0")));
      Future<Integer> reader =
          pool.submit(
              () -> {
                while (!done.get()) {
                  Map<String, KvEntry> both = store.getAll(ns, List.of("a", "b"));
                  assertThat(new String(both.get("a").value(), UTF_8))
                      .isEqualTo(new String(both.get("b").value(), UTF_8));
                  reads.incrementAndGet();
                }
                return reads.get();
              });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      // keep writing until the reader has overlapped with many writes (bounded in time)
      for (int i = 1; (i <= 2000 || reads.get() < 200) && System.nanoTime() < deadline; i++) {
        store.putAll(ns, List.of(entry("a", "" + i), entry("b", "" + i)));
      }
      done.set(true);
      assertThat(reader.get(10, TimeUnit.SECONDS)).isPositive();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void deleteAll_removesListed_ignoresMissing() {
    store.putAll(ns, List.of(entry("a", ""), entry("b", ""), entry("c", "")));
    store.deleteAll(ns, List.of("a", "b", "missing", "a"));
    assertThat(listAll(ns, "")).containsExactly("c");
  }

  @Test
  void getAll_duplicatesCollapse_missingAbsent() {
    store.putAll(ns, List.of(entry("key1", "value1"), entry("empty", "")));
    Map<String, KvEntry> result = store.getAll(ns, List.of("key1", "key2", "key1", "empty"));
    assertThat(result).containsOnlyKeys("key1", "empty");
    assertThat(result.get("key1")).isEqualTo(entry("key1", "value1"));
    assertThat(result.get("empty").value()).isEmpty();
  }

  /* --------------------------------------------------------------- sweep and lifecycle */

  @Test
  void sweepExpired_removesOnlyExpired_withinBudget() {
    for (int i = 0; i < 10; i++) {
      store.put(ns, entry("e" + i, "v", null, NOW_SECONDS + 60 + i));
    }
    store.put(ns, entry("later", "v", null, NOW_SECONDS + 3600));
    store.put(ns, entry("forever", "v"));
    store.put(ns, entry("rewritten", "v", null, NOW_SECONDS + 60));
    store.put(ns, entry("rewritten", "v2"));
    store.put(ns, entry("extended", "v", null, NOW_SECONDS + 60));
    store.put(ns, entry("extended", "v2", null, NOW_SECONDS + 7200));
    assertThat(store.sweepExpired(100)).isZero();

    clock.advanceSeconds(100);
    assertThat(store.sweepExpired(4)).isEqualTo(4);
    assertThat(store.sweepExpired(100)).isEqualTo(6);
    assertThat(store.sweepExpired(100)).isZero();
    assertThat(rawRecordCount(store)).isEqualTo(4);
    assertThat(listAll(ns, "")).containsExactly("extended", "forever", "later", "rewritten");

    clock.advanceSeconds(3600);
    assertThat(store.sweepExpired(100)).isEqualTo(1);
    assertThat(listAll(ns, "")).containsExactly("extended", "forever", "rewritten");
  }

  @Test
  void sweepExpired_writtenAlreadyExpired_isStillSwept() {
    store.put(ns, entry("a", "v", null, NOW_SECONDS + 60));
    store.put(ns, entry("b", "v", null, NOW_SECONDS + 600));
    clock.advanceSeconds(700);
    assertThat(store.sweepExpired(10)).isEqualTo(2);
    // behind the sweep position: written with an expiration that has already passed
    store.put(ns, entry("c", "v", null, NOW_SECONDS + 61));
    assertThat(store.get(ns, "c")).isEmpty();
    assertThat(store.sweepExpired(10)).isEqualTo(1);
    assertThat(rawRecordCount(store)).isZero();
  }

  @Test
  void closedStore_throws() {
    store.close();
    assertThatThrownBy(() -> store.get(ns, "k"))
        .isInstanceOf(StoreException.class)
        .hasMessage("store is closed");
    assertThatThrownBy(() -> store.createNamespace(ACCOUNT, "x"))
        .isInstanceOf(StoreException.class)
        .hasMessage("store is closed");
    assertThatThrownBy(() -> store.sweepExpired(1)).isInstanceOf(StoreException.class);
    store.close(); // idempotent
  }
}
