import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const infraDir = join(repoRoot, 'infra');

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every workspace of the repository by package name, with its folder relative to the root. */
export function workspaces(): Map<string, string> {
  const found = new Map<string, string>();
  for (const pattern of readManifest(repoRoot).workspaces ?? []) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(repoRoot, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(pattern.slice(0, -2), entry.name))
      : [pattern];
    for (const dir of dirs) {
      if (existsSync(join(repoRoot, dir, 'package.json'))) found.set(readManifest(join(repoRoot, dir)).name, dir);
    }
  }
  return found;
}

/** The folders of a workspace and of every workspace it needs at run time (`dependencies`, transitively). */
export function runtimeWorkspaceDirs(name: string): string[] {
  const all = workspaces();
  const seen = new Set<string>();
  const visit = (current: string) => {
    const dir = all.get(current);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    for (const dependency of Object.keys(readManifest(join(repoRoot, dir)).dependencies ?? {})) visit(dependency);
  };
  visit(name);
  return [...seen].sort();
}
