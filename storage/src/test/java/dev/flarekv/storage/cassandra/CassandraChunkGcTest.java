package dev.flarekv.storage.cassandra;

import static dev.flarekv.storage.cassandra.CassandraChunkGc.isGarbage;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rule of which chunk versions a garbage pass removes (no cluster needed). */
class CassandraChunkGcTest {
  private static final long CUTOFF = 1_000_000;

  @Test
  void theLiveVersion_andEverythingYoungerThanTheCutoff_stay() {
    assertThat(isGarbage(500, 500, true, CUTOFF)).as("the record's own chunks").isFalse();
    assertThat(isGarbage(CUTOFF, 0, false, CUTOFF)).as("at the cutoff").isFalse();
    assertThat(isGarbage(CUTOFF + 5, 0, false, CUTOFF)).as("a write in flight").isFalse();
    assertThat(isGarbage(CUTOFF + 5, 400, true, CUTOFF)).as("newer than the record").isFalse();
  }

  @Test
  void versionsWithoutARecord_orAboveTheRecord_go() {
    assertThat(isGarbage(500, 0, false, CUTOFF)).as("no record, or no namespace").isTrue();
    assertThat(isGarbage(600, 500, true, CUTOFF)).as("its write never wrote the record").isTrue();
    assertThat(isGarbage(600, 500, false, CUTOFF)).as("above an inline record").isTrue();
  }

  @Test
  void supersededVersions_goOnlyOnceTheSupersedingRecordIsOld() {
    assertThat(isGarbage(400, 500, true, CUTOFF)).as("superseded by an old chunked").isTrue();
    assertThat(isGarbage(400, 500, false, CUTOFF)).as("superseded by an old inline").isTrue();
    assertThat(isGarbage(400, CUTOFF + 1, true, CUTOFF))
        .as("superseded just now: a reader may still read it")
        .isFalse();
    assertThat(isGarbage(400, CUTOFF + 1, false, CUTOFF))
        .as("overwritten inline just now")
        .isFalse();
  }
}
