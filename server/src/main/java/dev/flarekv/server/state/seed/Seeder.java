package dev.flarekv.server.state.seed;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.error.KvException;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.protocol.model.Namespace;
import dev.flarekv.storage.KvStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Applies seeds to a store: creates the namespaces that are missing (with the given ids when given)
 * and writes the keys, one atomic bulk write per namespace. Applying the same seeds twice gives the
 * same state. Everything that can be refused (a bad item, an id or title already taken otherwise,
 * an account out of the caller's reach) is checked before the first write, so a refused seed
 * changes nothing; keys the seeds do not name are left alone.
 */
public final class Seeder {
  private final KvStore store;
  private final String defaultAccount;

  /**
   * @param defaultAccount the account of a seed namespace that names none (the server's account)
   */
  public Seeder(KvStore store, String defaultAccount) {
    this.store = store;
    this.defaultAccount = defaultAccount;
  }

  /** What applying seeds did: per namespace, and in total. */
  public record Applied(List<Target> namespaces, @JsonProperty("keys_written") long keysWritten) {}

  /** One namespace a seed wrote to. */
  public record Target(String id, String account, String title, int keys, boolean created) {}

  private record Plan(SeedNamespace seed, String account, Namespace existing, List<KvEntry> keys) {}

  /**
   * Applies the seeds.
   *
   * @param now the server clock's time in milliseconds ({@code expiration_ttl} counts from it)
   * @param mayAccess which accounts the caller may write to
   * @throws KvException 400 naming the file, item and rule (nothing written); 403 for an account
   *     the caller may not reach
   */
  public Applied apply(List<SeedNamespace> seeds, long now, Predicate<String> mayAccess) {
    List<Plan> plans = new ArrayList<>();
    Map<String, String> idOfTitle = new HashMap<>(); // account + title -> id given in the seeds
    Map<String, String> titleOfId = new HashMap<>(); // id given -> account + title
    for (SeedNamespace seed : seeds) {
      String account = seed.account() != null ? seed.account() : defaultAccount;
      if (!mayAccess.test(account)) {
        throw ErrorCode.FORBIDDEN.exception(
            "Forbidden: " + seed.where() + " writes to account " + account + ", out of reach");
      }
      String name = account + "\u0000" + seed.title();
      if (seed.id() != null) {
        String otherId = idOfTitle.putIfAbsent(name, seed.id());
        String otherName = titleOfId.putIfAbsent(seed.id(), name);
        if ((otherId != null && !otherId.equals(seed.id()))
            || (otherName != null && !otherName.equals(name))) {
          throw SeedParser.bad(
              seed.where() + ": id " + seed.id() + " is given to another namespace in the seeds");
        }
      }
      plans.add(new Plan(seed, account, existing(seed, account), seed.entries(now)));
    }
    List<Target> targets = new ArrayList<>();
    long written = 0;
    for (Plan plan : plans) {
      Namespace ns = plan.existing() != null ? plan.existing() : find(plan);
      boolean created = ns == null;
      if (created) {
        ns = create(plan);
      }
      if (!plan.keys().isEmpty()) {
        store.putAll(ns.ref(), plan.keys());
      }
      written += plan.keys().size();
      targets.add(new Target(ns.id(), ns.accountId(), ns.title(), plan.keys().size(), created));
    }
    return new Applied(targets, written);
  }

  /**
   * Checks that every item of the seeds can still be written at {@code now} (an absolute expiration
   * may have passed since the seeds were read).
   *
   * @throws KvException 400 naming the file, item and rule
   */
  public static void check(List<SeedNamespace> seeds, long now) {
    for (SeedNamespace seed : seeds) {
      seed.entries(now);
    }
  }

  /** The namespace a seed names, if it exists; refuses an id or title taken otherwise. */
  private Namespace existing(SeedNamespace seed, String account) {
    Optional<Namespace> byTitle =
        store.namespaces(account).stream().filter(n -> n.title().equals(seed.title())).findFirst();
    if (seed.id() == null) {
      return byTitle.orElse(null);
    }
    Optional<Namespace> byId = store.namespaceById(seed.id());
    if (byId.isPresent()) {
      Namespace ns = byId.get();
      if (!ns.accountId().equals(account) || !ns.title().equals(seed.title())) {
        throw SeedParser.bad(
            seed.where()
                + ": id "
                + seed.id()
                + " already belongs to namespace \""
                + ns.title()
                + "\" of account "
                + ns.accountId());
      }
      return ns;
    }
    if (byTitle.isPresent()) {
      throw SeedParser.bad(
          seed.where()
              + ": account "
              + account
              + " already has a namespace with this title, with id "
              + byTitle.get().id()
              + ", not "
              + seed.id());
    }
    return null;
  }

  /** A namespace an earlier seed of the same run created. */
  private Namespace find(Plan plan) {
    return store.namespaces(plan.account()).stream()
        .filter(n -> n.title().equals(plan.seed().title()))
        .findFirst()
        .orElse(null);
  }

  private Namespace create(Plan plan) {
    SeedNamespace seed = plan.seed();
    if (seed.id() == null) {
      return store.createNamespace(plan.account(), seed.title());
    }
    try {
      return store.createNamespace(plan.account(), seed.title(), seed.id());
    } catch (UnsupportedOperationException e) {
      throw SeedParser.bad(
          seed.where()
              + ": this server's store cannot create a namespace with a chosen id (Cassandra);"
              + " leave \"id\" out");
    }
  }
}
