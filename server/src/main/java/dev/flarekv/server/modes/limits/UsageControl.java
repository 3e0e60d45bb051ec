package dev.flarekv.server.modes.limits;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flarekv.protocol.error.ErrorCode;
import dev.flarekv.protocol.json.KvJson;
import dev.flarekv.protocol.validation.KvValidator;
import dev.flarekv.server.control.Control;
import dev.flarekv.server.control.ControlRequest;
import dev.flarekv.server.control.ControlRoute;
import dev.flarekv.server.modes.Modes;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /flarekv/v1/usage[?account=ID]}: today's counts of the Free plan's quotas per account,
 * against their limits, with the UTC day of the emulated clock and when it ends. Lists the accounts
 * counted since the server started, plus {@code account} if given; a token scoped to accounts sees
 * its own accounts only. CLI: {@code flarekv usage}. On a server without {@code --limits free}, a
 * 400 that says how to turn the quotas on.
 */
public final class UsageControl implements Control {
  private final Modes.Limits limits;
  private final QuotaGate quotas;

  /**
   * @param limits the server's {@code --limits}
   * @param policy the limits policy, or null when limits are off
   */
  public UsageControl(Modes.Limits limits, LimitsPolicy policy) {
    this.limits = limits;
    this.quotas = policy == null ? null : policy.quotas();
  }

  @Override
  public List<ControlRoute> routes() {
    return List.of(new ControlRoute(HttpMethod.GET, "usage", this::usage));
  }

  private Object usage(ControlRequest request) {
    if (quotas == null) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "This server runs --limits "
              + limits.name().toLowerCase(Locale.ROOT)
              + ", which counts no daily quotas; start flarekv with --limits free to count them");
    }
    String only = request.http().param("account");
    if (only != null && !KvValidator.isValidAccountId(only)) {
      throw ErrorCode.INVALID_REQUEST.exception(
          "account must be an account id (1-64 of A-Z a-z 0-9 _ -)");
    }
    Set<String> accounts = new TreeSet<>();
    if (request.principal().allAccounts()) {
      accounts.addAll(quotas.accounts());
    } else {
      accounts.addAll(request.principal().accounts());
    }
    if (only != null) {
      if (!request.principal().mayAccess(only)) {
        throw ErrorCode.FORBIDDEN.exception(
            "Authentication error: this API token may not access that account");
      }
      accounts.retainAll(Set.of(only));
      accounts.add(only);
    }
    long today = quotas.today();
    ObjectNode out = KvJson.mapper().createObjectNode();
    out.put("plan", limits.name().toLowerCase(Locale.ROOT));
    out.put("day", LocalDate.ofEpochDay(today).toString());
    long resets = quotas.resetsAt();
    out.put("resets_at", resets);
    out.put("resets_at_utc", Instant.ofEpochSecond(resets).atOffset(ZoneOffset.UTC).toString());
    ArrayNode list = out.putArray("accounts");
    for (String account : accounts) {
      ObjectNode a = list.addObject();
      a.put("account", account);
      for (Quota q : Quota.values()) {
        a.putObject(q.label())
            .put("used", quotas.used(account, q))
            .put("limit", quotas.plan().limit(q));
      }
    }
    return out;
  }
}
