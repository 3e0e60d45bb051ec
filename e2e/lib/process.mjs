// Stopping a child process we started: SIGTERM to exactly its PID, SIGKILL after a grace period,
// then wait for its exit.

/**
 * @param {number} pid the PID we spawned
 * @param {Promise<unknown>} exitPromise resolves when the child exits
 * @param {() => boolean} hasExited whether the child has exited already
 * @param {number} graceMs how long SIGTERM may take before SIGKILL
 */
export async function terminate(pid, exitPromise, hasExited, graceMs) {
  if (hasExited()) return;
  signal(pid, "SIGTERM");
  const t = setTimeout(() => {
    if (!hasExited()) signal(pid, "SIGKILL");
  }, graceMs);
  await exitPromise;
  clearTimeout(t);
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}
