import type { Detector, Finding } from '../types.js';
import { spansOf, wordRegex } from './text.js';

/** First-person intent to self-harm, and requests for methods. Patterns, because single words mislead. */
const SELF_HARM = wordRegex(
  [
    // "kill myself", but not "cut myself a slice" or "treat myself".
    '(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving|hang|hanging|shoot)[\\s]+myself(?![\\s]+(?:a|an|some|off|short|free|loose|in|out|up|to[\\s]+sleep)\\b)',
    'end(?:ing)?[\\s]+(?:my[\\s]+(?:own[\\s]+)?life|it[\\s]+all)',
    'take[\\s]+my[\\s]+(?:own[\\s]+)?life',
    "(?:i|i'm|im|i[\\s]+am)[\\s]+(?:really[\\s]+|just[\\s]+)?(?:want|wanna|going|planning|ready)[\\s]+(?:to[\\s]+)?die",
    'suicide[\\s]+(?:methods?|note|plan)',
    '(?:how|best[\\s]+way|easiest[\\s]+way|ways?)[\\s]+(?:to|do[\\s]+i|can[\\s]+i)[\\s]+(?:commit[\\s]+suicide|kill[\\s]+myself|kill[\\s]+yourself|die[\\s]+painlessly)',
    'painless[\\s]+(?:way|ways|method|methods)[\\s]+to[\\s]+die',
    'lethal[\\s]+dose',
    'overdose[\\s]+on',
    '(?:slit|cut|slash|slashing|cutting)[\\s]+my[\\s]+wrists?',
    'how[\\s]+many[\\s]+(?:pills|tablets|sleeping[\\s]+pills)[\\s]+(?:to|would|does[\\s]+it[\\s]+take[\\s]+to)[\\s]+(?:die|kill|overdose)',
    'no[\\s]+reason[\\s]+to[\\s]+(?:live|go[\\s]+on)',
    "(?:i'd|i[\\s]+would|i'm|i[\\s]+am)[\\s]+(?:be[\\s]+)?better[\\s]+off[\\s]+dead",
    'pro[\\s-]*ana',
    'thinspo',
    '(?:go|just)[\\s]+kill[\\s]+yourself',
    'kys',
  ].join('|'),
);

/** Self-harm: intent, encouragement, or instructions. */
export const selfHarmDetector: Detector = {
  category: 'self-harm',
  surfaces: new Set(['prompt', 'image_prompt', 'seed', 'output']),
  detect(folded: string): Finding | null {
    const spans = spansOf(SELF_HARM, folded);
    return spans.length > 0 ? { category: 'self-harm', score: 0.9, spans } : null;
  },
};
