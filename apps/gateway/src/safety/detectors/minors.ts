import type { Detector, Finding } from '../types.js';
import { near } from './proximity.js';
import { phrases, spansOf, wordRegex } from './text.js';

/** Terms that only ever name sexual material involving minors. */
const DIRECT = wordRegex(
  phrases(['child porn', 'child pornography', 'kiddie porn', 'csam', 'lolicon', 'shotacon', 'loli hentai', 'jailbait']),
);

const MINOR = wordRegex(
  [
    phrases([
      'child',
      'children',
      'kid',
      'kids',
      'minor',
      'minors',
      'underage',
      'under age',
      'preteen',
      'pre teen',
      'preteens',
      'toddler',
      'infant',
      'little girl',
      'little boy',
      'young girl',
      'young boy',
      'schoolgirl',
      'schoolboy',
      'schoolgirls',
      'teen',
      'teens',
      'teenage',
      'teenager',
      'teenagers',
      'middle schooler',
      'loli',
      'shota',
    ]),
    // An age under 18: "12-year-old", "15 yo", "aged 9".
    '(?:[1-9]|1[0-7])[\\s-]*(?:years?|yrs?)[\\s-]*old',
    '(?:[1-9]|1[0-7])[\\s-]*yo',
    'aged[\\s-]+(?:[1-9]|1[0-7])',
  ].join('|'),
);

/** Sexual terms no innocent context redeems next to a minor. */
const EXPLICIT = wordRegex(
  phrases([
    'nude',
    'nudes',
    'naked',
    'porn',
    'porno',
    'pornographic',
    'erotic',
    'erotica',
    'sexually explicit',
    'lingerie',
    'undress',
    'undressed',
    'undressing',
    'topless',
    'orgasm',
    'fetish',
    'seductive',
    'seductively',
    'stripping',
    'genitals',
    'hentai',
    'lewd',
  ]),
);

/** Sexual terms that also appear in education and child protection. */
const SOFT = wordRegex(phrases(['sex', 'sexual', 'sexually', 'sexy', 'intercourse', 'molest', 'molested', 'seduce']));

/** Context that marks a text as protecting children or teaching them, not sexualising them. */
const PROTECTIVE = wordRegex(
  phrases([
    'education',
    'educate',
    'prevent',
    'prevention',
    'protect',
    'protection',
    'safeguarding',
    'report',
    'reporting',
    'awareness',
    'warning signs',
    'pediatrician',
    'puberty',
    'curriculum',
    'consent',
    'abuse',
    'therapist',
    'convicted',
    'charged',
    'law',
    'laws',
  ]),
);

/** Sexual content involving minors: always blocked by policy, whatever a plan says. */
export const minorsDetector: Detector = {
  category: 'sexual/minors',
  surfaces: new Set(['prompt', 'image_prompt', 'seed', 'output']),
  detect(folded: string): Finding | null {
    const direct = spansOf(DIRECT, folded);
    if (direct.length > 0) return { category: 'sexual/minors', score: 1, spans: direct };
    const minors = spansOf(MINOR, folded);
    if (minors.length === 0) return null;
    const explicit = near(minors, spansOf(EXPLICIT, folded), 60);
    if (explicit.length > 0) return { category: 'sexual/minors', score: 0.95, spans: explicit };
    const soft = near(minors, spansOf(SOFT, folded), 60);
    if (soft.length === 0) return null;
    const protective = spansOf(PROTECTIVE, folded).length > 0;
    return { category: 'sexual/minors', score: protective ? 0.3 : 0.8, spans: soft };
  },
};
