package dev.flarekv.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flarekv.bench.load.LoadCommand;
import dev.flarekv.bench.load.Surface;
import dev.flarekv.bench.scale.ScaleCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The target options shared by {@code load} and {@code scale}: {@code host:port} parsing, what a
 * surface resolves to, and that both commands stop on a bad address before sending anything.
 */
class TargetOptionsTest {

  @Command(name = "probe")
  static final class Probe implements Callable<Integer> {
    @Mixin TargetOptions target;

    @Override
    public Integer call() {
      return 0;
    }
  }

  private static TargetOptions parsed(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.target;
  }

  @Test
  void hostPort_parsesTheLastColon() {
    assertThat(TargetOptions.HostPort.parse("127.0.0.1:8791"))
        .isEqualTo(new TargetOptions.HostPort("127.0.0.1", 8791));
    assertThat(TargetOptions.HostPort.parse("[::1]:9000"))
        .isEqualTo(new TargetOptions.HostPort("[::1]", 9000));
  }

  @Test
  void hostPort_rejectsWhatIsNotHostColonPort() {
    assertThatThrownBy(() -> TargetOptions.HostPort.parse("127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected host:port, got '127.0.0.1'");
    assertThatThrownBy(() -> TargetOptions.HostPort.parse(":8791"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no host before the port in ':8791'");
    assertThatThrownBy(() -> TargetOptions.HostPort.parse("localhost:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the port of 'localhost:' is not a number");
    assertThatThrownBy(() -> TargetOptions.HostPort.parse("localhost:http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the port of 'localhost:http' is not a number");
    assertThatThrownBy(() -> TargetOptions.HostPort.parse("localhost:65536"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the port of 'localhost:65536' is not in 1..65535");
    assertThatThrownBy(() -> TargetOptions.HostPort.parse("localhost:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the port of 'localhost:0' is not in 1..65535");
  }

  @Test
  void resolve_defaults_binding_isTheBindingListener_restIsTheUrl() throws Exception {
    TargetOptions options = parsed("--token", " ");
    Target binding = options.resolve(Surface.BINDING);
    assertThat(binding.host()).isEqualTo("127.0.0.1");
    assertThat(binding.port()).isEqualTo(8791);
    assertThat(binding.shown()).isEqualTo("127.0.0.1:8791");
    assertThat(binding.token()).as("a blank token is none").isNull();
    assertThat(binding.accountId()).isEqualTo(TargetOptions.DEFAULT_ACCOUNT);

    Target rest =
        parsed("--url", "http://localhost/client/v4", "--token", "t").resolve(Surface.REST);
    assertThat(rest.host()).isEqualTo("localhost");
    assertThat(rest.port()).as("no port in the URL").isEqualTo(80);
    assertThat(rest.shown()).isEqualTo("http://localhost/client/v4");
    assertThat(rest.token()).isEqualTo("t");
  }

  @Test
  void resolve_refusesANonLoopbackTarget_orRestRoot() {
    assertThatThrownBy(() -> parsed("--binding-address", "10.1.2.3:8791").resolve(Surface.BINDING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to send load to 10.1.2.3");
    assertThatThrownBy(
            () -> parsed("--url", "http://10.1.2.3:8790/client/v4").resolve(Surface.BINDING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to send load to 10.1.2.3");
  }

  @Test
  void resolve_parsesTheBindingAddressOnlyForBinding() throws Exception {
    TargetOptions options = parsed("--binding-address", "nonsense");
    assertThat(options.resolve(Surface.REST).port()).isEqualTo(8790);
    assertThatThrownBy(() -> options.resolve(Surface.BINDING))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--binding-address: expected host:port, got 'nonsense'");
  }

  private static int exitCode(Object command, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  @Test
  void loadAndScale_stopWithAUsageError_onABadBindingAddress() {
    StringWriter loadErr = new StringWriter();
    int load =
        exitCode(new LoadCommand(), loadErr, "-s", "binding", "--binding-address", "127.0.0.1");
    assertThat(load).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(loadErr.toString())
        .contains("--binding-address: expected host:port, got '127.0.0.1'");

    StringWriter scaleErr = new StringWriter();
    int scale =
        exitCode(new ScaleCommand(), scaleErr, "--parts", "list", "--binding-address", ":8791");
    assertThat(scale).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(scaleErr.toString()).contains("--binding-address: no host before the port");
  }
}
