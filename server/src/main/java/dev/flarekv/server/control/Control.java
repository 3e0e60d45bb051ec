package dev.flarekv.server.control;

import java.util.List;

/**
 * One emulator control: a group of routes under {@code /flarekv/v1/} (the clock, usage, faults, the
 * edge caches). Controls are not Cloudflare's API; they are authenticated like it, answered in its
 * envelope, and each is mirrored by a {@code flarekv} CLI command (docs/modes.md).
 */
public interface Control {
  /** The routes this control answers. */
  List<ControlRoute> routes();
}
