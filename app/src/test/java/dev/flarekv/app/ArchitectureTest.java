package dev.flarekv.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, checked on the compiled main classes of every module (this module sees
 * them all on its classpath).
 */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // main classes only: skip test-classes dirs and the modules' test-jars
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.flarekv");
  }

  @Test
  void everyModuleIsImported() {
    for (String pkg :
        new String[] {
          "dev.flarekv.protocol.validation",
          "dev.flarekv.storage.rocks",
          "dev.flarekv.storage.cassandra",
          "dev.flarekv.server.http",
          "dev.flarekv.app"
        }) {
      org.assertj.core.api.Assertions.assertThat(classes.containPackage(pkg)).as(pkg).isTrue();
    }
  }

  @Test
  void rocksdb_staysInsideStorageRocks() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.flarekv.storage.rocks..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.rocksdb..")
        .because("RocksDB is an engine detail of storage.rocks (architecture rule 2)")
        .check(classes);
  }

  @Test
  void cassandraDriver_staysInsideStorageCassandra() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.flarekv.storage.cassandra..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("com.datastax.oss.driver..")
        .because("the Cassandra driver is an engine detail of storage.cassandra (like RocksDB)")
        .check(classes);
  }

  @Test
  void storage_doesNotUseNetty() {
    noClasses()
        .that()
        .resideInAPackage("dev.flarekv.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .check(classes);
  }

  @Test
  void protocol_dependsOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.flarekv.protocol..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.flarekv.storage..", "dev.flarekv.server..", "dev.flarekv.cli..", "io.netty..")
        .check(classes);
  }

  @Test
  void cli_talksHttpOnly() {
    noClasses()
        .that()
        .resideInAPackage("dev.flarekv.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.flarekv.server..", "dev.flarekv.storage..", "org.rocksdb..", "io.netty..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void picocli_staysInCliAndApp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.flarekv.server..", "dev.flarekv.storage..", "dev.flarekv.protocol..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .because(
            "command lines are built in cli and app; server, storage and protocol are libraries")
        .check(classes);
  }

  @Test
  void storage_doesNotKnowTheServer() {
    noClasses()
        .that()
        .resideInAPackage("dev.flarekv.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.flarekv.server..", "dev.flarekv.cli..")
        .check(classes);
  }
}
