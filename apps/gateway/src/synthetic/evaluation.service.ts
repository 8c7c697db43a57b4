import { Injectable } from '@nestjs/common';
import type { SyntheticEvaluateParams, SyntheticEvaluation } from '@synthwell/contracts';
import { isSynthetic, type JsonValue, mixingGuidance, recordToText, tokenize } from '@synthwell/synthetic';
import { GatewayError } from '../errors/gateway-error.js';
import { HumanReference } from './human-reference.js';
import { apiGuidance } from './job-spec.js';
import { measure } from './metrics.js';

/** `POST /v1/synthetic/evaluate`: an uploaded dataset measured against human text. */
@Injectable()
export class EvaluationService {
  constructor(private readonly reference: HumanReference) {}

  evaluate(params: SyntheticEvaluateParams): SyntheticEvaluation {
    const texts = params.records.map(recordText);
    if (!texts.some((text) => tokenize(text).length > 0)) {
      throw GatewayError.badRequest('The records contain no words to measure.', undefined, 'records');
    }
    const reference = params.reference ?? this.reference.referenceTexts();
    if (params.reference && params.reference.filter((text) => tokenize(text).length > 0).length < 2) {
      throw GatewayError.badRequest('The reference needs at least two texts with words.', undefined, 'reference');
    }
    const mix = params.training_mix;
    const guidance = mixingGuidance(
      mix ? { trainingMix: { realRecords: mix.real_records, syntheticRecords: mix.synthetic_records } } : {},
    );
    return {
      object: 'synthetic.evaluation',
      reference: params.reference ? 'custom' : 'brown_heldout',
      records: params.records.length,
      synthetic_records: params.records.filter(isSynthetic).length,
      ...measure(texts, reference),
      mixing_guidance: apiGuidance(guidance),
    };
  }
}

/**
 * The text of an uploaded record: a string as it is; a downloaded record line by its `data`; then an
 * instruction/response pair, a `text` field, or a JSON record's values, as jobs measure their own.
 */
function recordText(record: string | Record<string, unknown>): string {
  if (typeof record === 'string') return record;
  const data =
    typeof record.data === 'object' && record.data !== null ? (record.data as Record<string, unknown>) : record;
  if (typeof data.instruction === 'string' && typeof data.response === 'string') {
    return `${data.instruction}\n${data.response}`;
  }
  if (typeof data.text === 'string') return data.text;
  return recordToText({ kind: 'json', schema: {} }, data as JsonValue);
}
