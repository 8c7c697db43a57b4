import type { Detector, Finding } from '../types.js';
import { near } from './proximity.js';
import { phrases, spansOf, wordRegex } from './text.js';

/** Groups protected by characteristics such as religion, ethnicity, nationality, gender, orientation, disability. */
const GROUP_NAMES = phrases([
  'jews',
  'jewish people',
  'muslims',
  'muslim people',
  'christians',
  'hindus',
  'sikhs',
  'black people',
  'blacks',
  'white people',
  'whites',
  'asians',
  'asian people',
  'chinese people',
  'mexicans',
  'latinos',
  'hispanics',
  'immigrants',
  'refugees',
  'migrants',
  'arabs',
  'africans',
  'gays',
  'gay people',
  'lesbians',
  'homosexuals',
  'trans people',
  'transgender people',
  'women',
  'disabled people',
  'gypsies',
  'roma',
  'indians',
  'pakistanis',
  'catholics',
  'atheists',
]);
const GROUP = wordRegex(GROUP_NAMES);

/** What hate speech says of a group: dehumanising comparisons, calls for harm or exclusion. */
const DEHUMANISING = wordRegex(
  [
    '(?:are|is)[\\s]+(?:all[\\s]+|just[\\s]+|nothing[\\s]+but[\\s]+)?(?:vermin|animals|rats|parasites|cockroaches|subhuman|sub[\\s-]human|inferior|a[\\s]+disease|a[\\s]+plague|a[\\s]+cancer|savages|filth|scum|not[\\s]+human|less[\\s]+than[\\s]+human|genetically[\\s]+inferior)',
    '(?:should|must|need[\\s]+to|ought[\\s]+to)[\\s]+(?:all[\\s]+)?(?:be[\\s]+)?(?:exterminated|eradicated|wiped[\\s]+out|gassed|killed|shot|hanged|lynched|sterilized|die)',
    "(?:don't|do[\\s]+not|doesn't)[\\s]+deserve[\\s]+(?:rights|to[\\s]+live|to[\\s]+exist)",
    'deserve[\\s]+to[\\s]+die',
  ].join('|'),
);

/** Calls to harm a group, naming it right after the verb: "kill all ...", "death to ...", "I hate ...". */
const INCITEMENT = wordRegex(
  `(?:kill|exterminate|gas|eradicate|deport|death[\\s]+to|i[\\s]+hate)[\\s]+(?:all[\\s]+)?(?:the[\\s]+)?(?:${GROUP_NAMES})`,
);

/** Slogans of hate movements. */
const SLOGANS = wordRegex(phrases(['heil hitler', 'white power', 'master race', 'race traitor', 'white genocide']));

/** Hate: dehumanising or violent speech against a protected group. */
export const hateDetector: Detector = {
  category: 'hate',
  surfaces: new Set(['prompt', 'image_prompt', 'seed', 'output']),
  detect(folded: string): Finding | null {
    const slogans = spansOf(SLOGANS, folded);
    const groups = spansOf(GROUP, folded);
    const dehumanising = groups.length > 0 ? near(groups, spansOf(DEHUMANISING, folded), 24) : [];
    const incitement = groups.length > 0 ? spansOf(INCITEMENT, folded) : [];
    const spans = [...slogans, ...dehumanising, ...incitement];
    return spans.length > 0 ? { category: 'hate', score: 0.9, spans } : null;
  },
};
