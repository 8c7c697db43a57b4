import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NgramModel } from './ngram.js';

/**
 * Loads a trained model from `cacheDir/<key>.ngram`, or trains it and writes it there. The key
 * names everything the model depends on (corpus version, files, order, format), so a stale file
 * is never read; an unreadable one is retrained and replaced. The file is written to a temporary
 * name and renamed, so a crash never leaves half a model behind. Without a cache directory the
 * model is trained every time.
 */
export function loadOrTrain(cacheDir: string | undefined, key: string, train: () => NgramModel): NgramModel {
  if (cacheDir === undefined) return train();
  const path = join(cacheDir, `${key}.ngram`);
  try {
    return NgramModel.deserialize(readFileSync(path));
  } catch {
    // Missing or unreadable: train below.
  }
  const model = train();
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, model.serialize());
    renameSync(temporary, path);
  } catch {
    // A read-only or full disk costs the next start a retraining, nothing more.
  }
  return model;
}
