// Stand-in for an expensive upstream (an API, a database): the read-through cache asks it only on
// a miss. `originCalls` counts the calls since this module was loaded.
let originCalls = 0;

export async function fetchQuoteFromOrigin(id) {
  originCalls++;
  await new Promise((r) => setTimeout(r, 20));
  return { id, text: `Quote #${id}: cache invalidation is hard.`, fetchedAt: new Date().toISOString() };
}

export const originCallCount = () => originCalls;
