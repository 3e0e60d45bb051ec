#!/usr/bin/env node
console.error("flarekv-miniflare: not implemented yet");
process.exit(2);
