package dev.flarekv.server.modes;

import dev.flarekv.server.control.Control;
import dev.flarekv.server.modes.clock.ClockControl;
import dev.flarekv.server.modes.consistency.ConsistencyControl;
import dev.flarekv.server.modes.consistency.EdgeCachePolicy;
import dev.flarekv.server.modes.faults.Faults;
import dev.flarekv.server.modes.limits.LimitsPlan;
import dev.flarekv.server.modes.limits.LimitsPolicy;
import dev.flarekv.server.modes.limits.UsageControl;
import dev.flarekv.server.pipeline.KvPolicy;
import dev.flarekv.server.state.ForkControl;
import dev.flarekv.server.watch.WatchControl;
import dev.flarekv.server.watch.WatchedKvStore;
import dev.flarekv.storage.KvStore;
import dev.flarekv.storage.clock.EmulatedClock;
import dev.flarekv.storage.clock.KvClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The realism modes of one server, assembled from its {@link Modes}: the policies both surfaces'
 * pipelines run after metering (one instance each, shared by both surfaces, so a quota or a fault
 * rule counts REST and binding requests alike), and the controls that steer them under {@code
 * /flarekv/v1/}. A mode that is off adds no policy, so requests pay nothing for it. Fault injection
 * is the one policy always present, because its rules are added at run time; without a rule it
 * costs one volatile read.
 */
public final class Realism {
  private final List<KvPolicy> policies;
  private final List<Control> controls;

  private Realism(List<KvPolicy> policies, List<Control> controls) {
    this.policies = List.copyOf(policies);
    this.controls = List.copyOf(controls);
  }

  /**
   * The policies and controls of these modes.
   *
   * @param clock the server's one clock
   * @param store the store the pipeline's executor reaches
   * @param registry where the modes' metrics go
   */
  public static Realism of(Modes modes, KvClock clock, KvStore store, MeterRegistry registry) {
    List<KvPolicy> policies = new ArrayList<>();
    List<Control> controls = new ArrayList<>();
    controls.add(new ModesControl(modes));
    // faults: always present, since rules are added at run time; free without a rule
    Faults faults = Faults.of(modes);
    policies.add(faults.policy());
    controls.add(faults.control());
    // limits and quotas: before the edge caches, so a read an edge cache serves still counts
    LimitsPolicy limits =
        modes.limits() == Modes.Limits.OFF
            ? null
            : new LimitsPolicy(LimitsPlan.of(modes.limits()), clock, store, registry);
    if (limits != null) {
      policies.add(limits);
    }
    controls.add(new UsageControl(modes.limits(), limits));
    // eventual consistency: binding reads from per-location edge caches
    EdgeCachePolicy edge =
        modes.consistency() == Modes.Consistency.EVENTUAL
            ? new EdgeCachePolicy(store, clock, modes.randomSeed())
            : null;
    if (edge != null) {
      policies.add(edge);
    }
    controls.add(new ConsistencyControl(edge));
    if (clock instanceof EmulatedClock emulated) { // always, on a KvServer
      controls.add(new ClockControl(emulated));
    }
    if (store instanceof WatchedKvStore watched) { // always, on a KvServer
      controls.add(new WatchControl(watched.feed(), store));
    }
    controls.add(new ForkControl(store)); // docs/state.md
    return new Realism(policies, controls);
  }

  /**
   * Refuses modes that name a bad file (a {@code --faults} file with a malformed rule), before a
   * server opens anything.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static void check(Modes modes) {
    Faults.check(modes);
  }

  /** The policies, in pipeline order (see {@code KvPipeline.standard}). */
  public List<KvPolicy> policies() {
    return policies;
  }

  /** The controls under {@code /flarekv/v1/}. */
  public List<Control> controls() {
    return controls;
  }
}
