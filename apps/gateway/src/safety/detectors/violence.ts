import type { Detector, Finding } from '../types.js';
import { phrases, spansOf, wordRegex } from './text.js';

/** Words that describe injury in graphic detail on their own. */
const GRAPHIC = wordRegex(
  [
    phrases([
      'gory',
      'disembowel',
      'disemboweled',
      'disemboweling',
      'disembowelment',
      'dismember',
      'dismembered',
      'dismembering',
      'dismemberment',
      'decapitate',
      'decapitated',
      'decapitating',
      'decapitation',
      'eviscerate',
      'eviscerated',
      'evisceration',
      'entrails',
      'mutilate',
      'mutilated',
      'mutilating',
      'mutilation',
      'flayed',
      'flaying',
      'skinned alive',
      'burned alive',
      'severed head',
      'severed heads',
      'severed limbs',
      'torn off limbs',
      'mangled corpse',
      'mangled corpses',
      'mangled bodies',
      'crushed skull',
      'brains splattered',
      'brain matter',
      'blood spurting',
      'spurting blood',
      'guts spilling',
      'spilling guts',
      'intestines spilling',
      'gouged out',
      'eyes gouged',
    ]),
    // "gore" but not Gore-Tex or Al Gore.
    '(?<!al[\\s]+)gore(?![\\s-]*tex)',
    "(?:slit|slitting|slashed|slashing)[\\s]+(?:his|her|their|a man's|a woman's)[\\s]+throat",
  ].join('|'),
);

/** Violent words common in news, fiction and slang; only three or more distinct ones together read as graphic. */
const VIOLENT = wordRegex(
  phrases([
    'blood',
    'bloody',
    'bloodbath',
    'corpse',
    'corpses',
    'stab',
    'stabbed',
    'stabbing',
    'torture',
    'tortured',
    'brutal',
    'brutally',
    'murder',
    'murdered',
    'massacre',
    'butchered',
    'slaughtered',
    'carnage',
    'impaled',
    'screaming',
    'wounds',
    'bones snapping',
    'skull',
  ]),
);

/** Graphic violence: gore and mutilation described or requested in detail. */
export const violenceDetector: Detector = {
  category: 'violence/graphic',
  surfaces: new Set(['prompt', 'image_prompt', 'seed', 'output']),
  detect(folded: string): Finding | null {
    const graphic = spansOf(GRAPHIC, folded);
    const violent = spansOf(VIOLENT, folded);
    const distinct = new Set(violent.map(([start, end]) => folded.slice(start, end))).size;
    const score = Math.min(1, (graphic.length > 0 ? 0.85 : 0) + 0.2 * distinct);
    if (score === 0) return null;
    return { category: 'violence/graphic', score, spans: [...graphic, ...violent] };
  },
};
