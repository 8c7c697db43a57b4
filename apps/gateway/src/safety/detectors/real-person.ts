import type { Detector, Finding } from '../types.js';
import { phrases, spansOf, wordRegex } from './text.js';

/**
 * Real people often targeted by fake imagery: heads of state, politicians, celebrities, business
 * leaders. Full names only, so "a swift bird" or "a trump card" stay clean. Deployments extend this.
 */
export const REAL_PEOPLE = [
  'donald trump',
  'joe biden',
  'kamala harris',
  'barack obama',
  'michelle obama',
  'hillary clinton',
  'bill clinton',
  'vladimir putin',
  'volodymyr zelensky',
  'xi jinping',
  'kim jong un',
  'emmanuel macron',
  'olaf scholz',
  'rishi sunak',
  'keir starmer',
  'justin trudeau',
  'narendra modi',
  'benjamin netanyahu',
  'recep tayyip erdogan',
  'pope francis',
  'king charles',
  'prince harry',
  'meghan markle',
  'taylor swift',
  'beyonce',
  'rihanna',
  'lady gaga',
  'ariana grande',
  'billie eilish',
  'kim kardashian',
  'kanye west',
  'tom cruise',
  'tom hanks',
  'keanu reeves',
  'scarlett johansson',
  'emma watson',
  'brad pitt',
  'angelina jolie',
  'leonardo dicaprio',
  'zendaya',
  'dwayne johnson',
  'oprah winfrey',
  'elon musk',
  'mark zuckerberg',
  'bill gates',
  'jeff bezos',
  'sam altman',
  'warren buffett',
  'lionel messi',
  'cristiano ronaldo',
  'lebron james',
  'serena williams',
  'greta thunberg',
];

const NAMES = wordRegex(phrases(REAL_PEOPLE));

/** Real named people in generated images: a likeness made without consent. */
export const realPersonDetector: Detector = {
  category: 'real-person',
  surfaces: new Set(['image_prompt']),
  detect(folded: string): Finding | null {
    const spans = spansOf(NAMES, folded);
    return spans.length > 0 ? { category: 'real-person', score: 0.9, spans } : null;
  },
};
