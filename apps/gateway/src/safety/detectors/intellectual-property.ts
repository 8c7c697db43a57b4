import type { Detector, Finding } from '../types.js';
import { phrases, spansOf, wordRegex } from './text.js';

/** Characters under copyright or trademark, by names that rarely mean anything else. */
export const PROTECTED_CHARACTERS = [
  'mickey mouse',
  'minnie mouse',
  'donald duck',
  'spider man',
  'spiderman',
  'batman',
  'superman',
  'wonder woman',
  'iron man',
  'captain america',
  'incredible hulk',
  'pikachu',
  'pokemon',
  'super mario',
  'princess peach',
  'sonic the hedgehog',
  'darth vader',
  'yoda',
  'baby yoda',
  'grogu',
  'luke skywalker',
  'stormtrooper',
  'stormtroopers',
  'harry potter',
  'hermione granger',
  'hogwarts',
  'elsa from frozen',
  'queen elsa',
  'shrek',
  'homer simpson',
  'bart simpson',
  'the simpsons',
  'spongebob',
  'buzz lightyear',
  'totoro',
  'hello kitty',
  'snoopy',
  'garfield the cat',
  'optimus prime',
  'bugs bunny',
  'scooby doo',
  'james bond',
  'gandalf',
  'master chief',
  'lara croft',
  'goku',
  'naruto',
  'sailor moon',
  'doraemon',
  'peppa pig',
  'paw patrol',
];

/** Living artists (and studios) whose style prompts imitate without consent. Public-domain masters are not here. */
export const LIVING_ARTISTS = [
  'greg rutkowski',
  'yayoi kusama',
  'banksy',
  'david hockney',
  'jeff koons',
  'takashi murakami',
  'beeple',
  'loish',
  'artgerm',
  'wlop',
  'james jean',
  'ross tran',
  'sakimichan',
  'kaws',
  'ai weiwei',
  'gerhard richter',
  'anish kapoor',
  'hayao miyazaki',
  'studio ghibli',
  'tim burton',
  'shepard fairey',
  'kehinde wiley',
  'amy sherald',
  'cindy sherman',
  'damien hirst',
  'julie mehretu',
  'pixar',
  'disney',
  'marvel comics',
  'dc comics',
];

const CHARACTERS = wordRegex(phrases(PROTECTED_CHARACTERS));
const ARTISTS = wordRegex(phrases(LIVING_ARTISTS));
const STYLE_CUE = /\b(?:style|styled|in the manner of|inspired by|art by|by)\b/;

/** Image prompts that ask to reproduce protected characters or imitate a living artist's style. */
export const intellectualPropertyDetector: Detector = {
  category: 'intellectual-property',
  surfaces: new Set(['image_prompt']),
  detect(folded: string): Finding | null {
    const characters = spansOf(CHARACTERS, folded);
    const artists = spansOf(ARTISTS, folded);
    if (characters.length === 0 && artists.length === 0) return null;
    // A character is a request to reproduce it; an artist's name counts most with a style cue.
    const score = characters.length > 0 || STYLE_CUE.test(folded) ? 0.9 : 0.7;
    return { category: 'intellectual-property', score, spans: [...characters, ...artists] };
  },
};
