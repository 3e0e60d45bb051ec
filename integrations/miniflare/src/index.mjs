// Skeleton: the flarekv Miniflare plugin (filled in next).
export const plugins = {};
