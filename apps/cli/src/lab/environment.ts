import { loadBrownSentences, trainNgram } from '@synthwell/providers';
import { LAB_CORPUS_FILES, type LabEnvironment } from '@synthwell/synthetic';

/**
 * The lab on this machine: the providers' n-gram model and the Brown corpus, as the gateway runs it.
 * It runs straight through: nothing else shares the process.
 */
export const localLabEnvironment: LabEnvironment = {
  trainNgram,
  humanSentences: () => ({
    real: loadBrownSentences({ split: 'train', files: LAB_CORPUS_FILES.training }),
    heldOut: loadBrownSentences({ split: 'heldout', files: LAB_CORPUS_FILES.heldOut }),
  }),
};
