# workerd config running the session-cache Worker at two emulated Cloudflare locations, for a
# flarekv started with --consistency eventual (see README.md, "Production realism"):
#   ./flarekv serve --binding-namespace examples --consistency eventual --clock manual --random-seed 42
#   e2e/node_modules/.bin/workerd serve examples/session-cache/locations.capnp
# The same Worker then answers as location "fra" on http://127.0.0.1:8080 and as location "iad" on
# http://127.0.0.1:8081. Each location's KV binding goes through its own backend service, which
# names the location in the X-Flarekv-Location header; flarekv keeps one edge cache per location.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main-fra", worker = .workerFra),
    (name = "main-iad", worker = .workerIad),
    # flarekv's binding listener, once per location. For an existing namespace or a token, add
    # (name = "X-Flarekv-Namespace", value = "<namespace id>") and
    # (name = "Authorization", value = "Bearer <token>") to each injectRequestHeaders list.
    (name = "kv-fra", external = (address = "127.0.0.1:8791", http = (
       injectRequestHeaders = [ (name = "X-Flarekv-Location", value = "fra") ]))),
    (name = "kv-iad", external = (address = "127.0.0.1:8791", http = (
       injectRequestHeaders = [ (name = "X-Flarekv-Location", value = "iad") ]))),
  ],
  sockets = [
    (name = "http-fra", address = "127.0.0.1:8080", http = (), service = "main-fra"),
    (name = "http-iad", address = "127.0.0.1:8081", http = (), service = "main-iad"),
  ],
);

const workerFra :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
  bindings = [ (name = "SESSIONS", kvNamespace = "kv-fra") ],
);

const workerIad :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
  bindings = [ (name = "SESSIONS", kvNamespace = "kv-iad") ],
);
