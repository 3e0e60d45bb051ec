package dev.flarekv.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.bench.cli.Durations;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The plan builder: its defaults are the load command's, and it names what it sets. */
class LoadPlanTest {
  private static final Surface.Requests REQUESTS =
      new Surface.Requests(
          Surface.HTTP, "/kv/", null, null, "127.0.0.1:1", new DefaultHttpHeaders());

  @Test
  void defaults_areTheLoadCommandsDefaults() {
    LoadPlan plan = LoadPlan.builder().target("127.0.0.1", 8790).requests(REQUESTS).build();
    CommandSpec load = new CommandLine(new LoadCommand()).getCommandSpec();

    assertThat(plan.host()).isEqualTo("127.0.0.1");
    assertThat(plan.port()).isEqualTo(8790);
    assertThat(plan.requests()).isSameAs(REQUESTS);
    assertThat(plan.workload()).isEqualTo(Workload.parse(defaultOf(load, "--workload")));
    assertThat(plan.connections())
        .isEqualTo(16)
        .isEqualTo(Integer.parseInt(defaultOf(load, "--connections")));
    assertThat(plan.warmupNanos())
        .isEqualTo(Duration.ofSeconds(5).toNanos())
        .isEqualTo(Durations.parse(defaultOf(load, "--warmup")).toNanos());
    assertThat(plan.durationNanos())
        .isEqualTo(Duration.ofSeconds(10).toNanos())
        .isEqualTo(Durations.parse(defaultOf(load, "--duration")).toNanos());
    assertThat(plan.rate()).isZero().isEqualTo(Double.parseDouble(defaultOf(load, "--rate")));
    assertThat(plan.timeoutNanos())
        .isEqualTo(Duration.ofSeconds(10).toNanos())
        .isEqualTo(Durations.parse(defaultOf(load, "--timeout")).toNanos());
    assertThat(plan.keys()).isEqualTo(Integer.parseInt(defaultOf(load, "--keys")));
    assertThat(plan.listKeys()).isEqualTo(Integer.parseInt(defaultOf(load, "--list-keys")));
    assertThat(plan.valueSize()).isEqualTo(Integer.parseInt(defaultOf(load, "--value-size")));
    assertThat(plan.ttl()).isEqualTo(3600).isEqualTo(Integer.parseInt(defaultOf(load, "--ttl")));
  }

  @Test
  void threads_defaultToHalfTheCores_capByConnections_orAsSet() {
    int half = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    LoadPlan.Builder b = LoadPlan.builder().target("127.0.0.1", 8790).requests(REQUESTS);
    assertThat(b.connections(64).build().threads()).isEqualTo(Math.min(64, half));
    assertThat(b.connections(1).build().threads()).isEqualTo(1);
    assertThat(b.connections(64).threads(3).build().threads()).isEqualTo(3);
    assertThat(b.threads(0).build().threads()).as("0 = the default").isEqualTo(Math.min(64, half));
  }

  @Test
  void setters_landInTheirOwnFields() {
    LoadPlan plan =
        LoadPlan.builder()
            .target("::1", 9)
            .workload(Workload.LIST)
            .requests(REQUESTS)
            .connections(3)
            .threads(2)
            .warmup(Duration.ofMillis(1))
            .duration(Duration.ofMillis(2))
            .rate(4.5)
            .timeout(Duration.ofMillis(3))
            .keys(5)
            .listKeys(6)
            .valueSize(7)
            .ttl(61)
            .build();
    assertThat(plan)
        .isEqualTo(
            new LoadPlan(
                "::1",
                9,
                Workload.LIST,
                REQUESTS,
                3,
                2,
                1_000_000,
                2_000_000,
                4.5,
                3_000_000,
                5,
                6,
                7,
                61));
  }

  @Test
  void build_withoutTargetOrRequests_fails() {
    assertThatThrownBy(() -> LoadPlan.builder().requests(REQUESTS).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host");
    assertThatThrownBy(() -> LoadPlan.builder().target("127.0.0.1", 1).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requests");
  }

  private static String defaultOf(CommandSpec spec, String option) {
    return spec.findOption(option).defaultValue();
  }
}
