type MaybeNodeGlobal = typeof globalThis & { process?: { env?: Record<string, string | undefined> } };

/**
 * Reads an environment variable where the runtime has `process.env` (Node, Bun, Deno's compatibility
 * layer); in a browser there is none and the answer is `undefined`. Blank values count as unset.
 */
export function readEnv(name: string): string | undefined {
  const value = (globalThis as MaybeNodeGlobal).process?.env?.[name]?.trim();
  return value ? value : undefined;
}
