import type { Detector } from '../types.js';
import { hateDetector } from './hate.js';
import { intellectualPropertyDetector } from './intellectual-property.js';
import { minorsDetector } from './minors.js';
import { personalDataDetector } from './personal-data.js';
import { realPersonDetector } from './real-person.js';
import { selfHarmDetector } from './self-harm.js';
import { violenceDetector } from './violence.js';

/** The built-in offline detectors, one per category. */
export const BUILT_IN_DETECTORS: readonly Detector[] = [
  minorsDetector,
  violenceDetector,
  selfHarmDetector,
  hateDetector,
  realPersonDetector,
  intellectualPropertyDetector,
  personalDataDetector,
];
