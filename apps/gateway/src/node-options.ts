/**
 * The Node options the gateway runs with. `npm start` at the root (tooling/runner) and the benchmarks
 * take them from here; the gateway's own start script and its Docker image spell them out, and a test
 * (node-options.test.ts) keeps those in step.
 *
 * `--max-semi-space-size=32`: a young-generation collection holds up the request in flight, and a
 * larger young generation makes them rarer. On one build at concurrency 1 (ten alternated rounds) p99
 * fell from 0.78 to 0.65 ms and throughput rose 5% (docs/operations.md, "Node options").
 */
export const GATEWAY_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=32'];
