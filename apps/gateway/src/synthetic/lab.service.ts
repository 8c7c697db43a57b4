import { setImmediate as nextTurn } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { SyntheticLabParams, SyntheticLabResult } from '@synthwell/contracts';
import { trainNgram } from '@synthwell/providers';
import { runLabExperiment } from '@synthwell/synthetic';
import { HumanReference } from './human-reference.js';

/** Longest the lab computes before it lets other requests in. */
const SLICE_MS = 20;

/**
 * `POST /v1/synthetic/lab`: the collapse experiments of `@synthwell/synthetic` on the providers'
 * n-gram model and the Brown corpus. A request is bounded by the contract to about two seconds of
 * CPU; it runs on the event loop in slices, handing the loop back every `SLICE_MS` between the
 * experiment's steps (the longest step, sampling 100 trigram sentences, takes tens of milliseconds).
 */
@Injectable()
export class LabService {
  constructor(private readonly reference: HumanReference) {}

  run(params: SyntheticLabParams): Promise<SyntheticLabResult> {
    return runLabExperiment(params, {
      trainNgram,
      humanSentences: () => this.reference.labCorpus(),
      pause: slices(SLICE_MS),
    });
  }
}

/** A pause that yields to the event loop once at least `ms` have passed since it last did. */
function slices(ms: number): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < ms) return;
    await nextTurn();
    sliceStart = performance.now();
  };
}
