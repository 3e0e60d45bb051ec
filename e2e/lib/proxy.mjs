// A transparent recording proxy on 127.0.0.1 in front of flarekv: it forwards every request
// unchanged and remembers method, raw request target, content-type, body size and response
// status, so tests can assert which requests a client sent (e.g. bulk put in 2 requests).
import http from "node:http";

export async function startProxy(server) {
  const target = new URL(server.origin);
  const log = [];
  const proxy = http.createServer((req, res) => {
    const entry = {
      method: req.method,
      url: req.url,
      contentType: req.headers["content-type"] ?? null,
      userAgent: req.headers["user-agent"] ?? null,
      bytes: 0,
      status: null,
    };
    log.push(entry);
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upRes) => {
        entry.status = upRes.statusCode;
        res.writeHead(upRes.statusCode, upRes.statusMessage, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on("error", (e) => {
      entry.status = `proxy error: ${e.message}`;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(String(e));
    });
    req.on("data", (d) => {
      entry.bytes += d.length;
    });
    req.pipe(up);
  });
  proxy.keepAliveTimeout = 1000;
  await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
  const { port } = proxy.address();
  const base = new URL(server.baseUrl);
  return {
    origin: `http://127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}${base.pathname}`,
    log,
    /** entries recorded since mark */
    mark: () => log.length,
    since: (m) => log.slice(m),
    stop: () =>
      new Promise((r) => {
        proxy.closeAllConnections?.();
        proxy.close(() => r());
      }),
  };
}
