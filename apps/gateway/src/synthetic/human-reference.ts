import { Inject, Injectable } from '@nestjs/common';
import { loadBrownDocuments, loadBrownSentences, type NgramModel, trainNgram } from '@synthwell/providers';
import {
  calibrateFluency,
  createOfflineJudge,
  type Judge,
  LAB_CORPUS_FILES,
  type ReferenceDocuments,
  tokenize,
} from '@synthwell/synthetic';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';
import { OFFLINE_JUDGE_NAME } from './job-spec.js';

/** Corpus files the judge's language model trains on when LOCAL_TRAINING_FILES does not say. */
const JUDGE_TRAINING_FILES = 150;
/** Held-out sentences scored to calibrate the judge's fluency scale. */
const CALIBRATION_SENTENCES = 2_000;

/**
 * Human-written text the synthetic-data features measure against, all from the Brown corpus and all
 * loaded on first use: the held-out split as the reference for metrics, a bigram model of the
 * training split for the offline judge, and the n-gram lab's sentences.
 */
@Injectable()
export class HumanReference {
  private heldOut: { documents: string[][] } | null = null;
  private judge: Judge | null = null;
  private lab: { real: string[][]; heldOut: string[][] } | null = null;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /**
   * The Brown held-out split (50 files, 5,642 sentences, about 101,000 word tokens), one text per
   * sentence, grouped by file: the report's two human halves then hold different files, so its
   * human-versus-human baseline compares independent text.
   */
  referenceTexts(): ReferenceDocuments {
    this.heldOut ??= {
      documents: loadBrownDocuments({ split: 'heldout' }).map((file) => file.map((sentence) => sentence.join(' '))),
    };
    return this.heldOut;
  }

  /**
   * The offline judge: rule checks, then fluency under a bigram model of the training split, on a
   * scale calibrated on held-out human sentences scored by the same model (typical human text → 10).
   */
  offlineJudge(): Judge {
    if (this.judge) return this.judge;
    const files = this.config.LOCAL_TRAINING_FILES ?? JUDGE_TRAINING_FILES;
    const model = trainNgram(
      loadBrownSentences({ split: 'train', files }).map((sentence) => tokenize(sentence.join(' '))),
      { order: 2 },
    );
    const calibration = calibrateFluency(
      this.referenceTexts()
        .documents.flat()
        .slice(0, CALIBRATION_SENTENCES)
        .map((text) => meanLogProb(model, text)),
    );
    this.judge = createOfflineJudge({
      name: OFFLINE_JUDGE_NAME,
      logProbPerToken: (text) => meanLogProb(model, text),
      calibration,
    });
    return this.judge;
  }

  /** Human sentences for the n-gram lab, in the corpus's own tokens: training sentences and held-out ones. */
  labCorpus(): { real: readonly string[][]; heldOut: readonly string[][] } {
    this.lab ??= {
      real: loadBrownSentences({ split: 'train', files: LAB_CORPUS_FILES.training }),
      heldOut: loadBrownSentences({ split: 'heldout', files: LAB_CORPUS_FILES.heldOut }),
    };
    return this.lab;
  }
}

/** Mean natural-log probability per token (end of text included) of a text under the model. */
function meanLogProb(model: NgramModel, text: string): number {
  return -model.crossEntropy([tokenize(text)]) * Math.LN2;
}
