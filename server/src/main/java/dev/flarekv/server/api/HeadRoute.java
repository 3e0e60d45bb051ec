package dev.flarekv.server.api;

/**
 * What a listener decided about a request from its head alone, before any body byte is read: its
 * route, and with it the body limit the route takes. Decided once, on the event loop; the request
 * then carries it ({@link ApiRequest#route}) to the parse, so no later stage matches the path
 * again. Each listener has its own kind of route (the REST API's {@link RestApi.Route}, the binding
 * protocol's), read back only by that listener.
 */
public interface HeadRoute {
  /** How large a body the route takes, and how a larger one is reported. */
  BodyLimit limit();

  /** The route of a request that no listener route claims: a small JSON body at most. */
  HeadRoute NONE = () -> BodyLimit.SMALL;

  /** The route of a request outside every listener route that may carry no body (a read). */
  HeadRoute NO_BODY = () -> BodyLimit.NONE;
}
