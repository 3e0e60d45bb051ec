# workerd config for the rate-limiter example, backed by flarekv's binding listener.
#   ./flarekv serve --binding-namespace examples       (binding listener on 127.0.0.1:8791)
#   node_modules/.bin/workerd serve examples/rate-limiter/config.capnp
# The Worker then answers on http://127.0.0.1:8080. See README.md and docs/workerd.md.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # flarekv's binding listener. With --binding-namespace the namespace needs no header; to use an
    # existing namespace or a token, add:
    #   http = (injectRequestHeaders = [ (name = "X-Flarekv-Namespace", value = "<namespace id>"),
    #                                    (name = "Authorization", value = "Bearer <token>") ])
    (name = "kv-backend", external = (address = "127.0.0.1:8791", http = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
  ],
  compatibilityDate = "2025-01-01",
  bindings = [ (name = "RATE_LIMIT", kvNamespace = "kv-backend") ],
);
