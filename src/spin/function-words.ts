/**
 * The simulator's own function-word and phrase swaps: the connectives, prepositions, modals and
 * stock phrases that spinners rewrite ("according to" → "as per", "because" → "due to the fact
 * that", "however" → "be that as it may").
 *
 * This table was written for the simulator alone. It was not drawn from the lexicon's
 * hand-written phrase table (src/lexicon/data/phrases.tsv), so a restorer that uses that table is
 * not graded on text its own table produced. Its entries are context-blind like a spinner's:
 * "about" may become "around" or "regarding" whatever it meant. Forms are literal (these words
 * barely inflect). `spin(..., {functionWords: true})` and the site spinner (site.ts) use it.
 */

import type { ForwardCandidate, ForwardLexicon } from "./simulate.js";

const TABLE: ReadonlyArray<[string, string[]]> = [
  // connectives
  ["also", ["additionally", "likewise", "moreover"]],
  ["but", ["however", "yet", "nonetheless"]],
  ["however", ["nevertheless", "nonetheless", "be that as it may"]],
  ["because", ["since", "as", "due to the fact that"]],
  ["because of", ["due to", "as a result of", "on account of"]],
  ["although", ["though", "even though", "despite the fact that"]],
  ["even though", ["although", "despite the fact that"]],
  ["though", ["although", "however"]],
  ["while", ["whereas", "whilst", "even as"]],
  ["so", ["therefore", "thus", "consequently"]],
  ["thus", ["therefore", "hence", "consequently"]],
  ["therefore", ["consequently", "hence", "thus"]],
  ["if", ["in the event that", "assuming"]],
  ["whether", ["if"]],
  ["since", ["because", "as", "given that"]],
  ["until", ["till", "up until"]],
  ["for example", ["for instance", "as an example"]],
  ["in addition", ["additionally", "furthermore", "moreover"]],
  ["as well as", ["along with", "and also"]],
  ["as soon as", ["when", "once"]],
  ["at the same time", ["simultaneously", "meanwhile"]],
  ["in fact", ["actually", "indeed", "as a matter of fact"]],
  ["so that", ["in order that", "so"]],
  ["in order to", ["to", "so as to"]],
  // prepositions and prepositional phrases
  ["about", ["around", "regarding", "concerning", "approximately"]],
  ["according to", ["as per", "as indicated by", "in accordance with"]],
  ["due to", ["because of", "owing to"]],
  ["before", ["prior to", "previously"]],
  ["after", ["following", "subsequent to", "later than"]],
  ["during", ["throughout", "amid"]],
  ["with", ["along with", "having"]],
  ["without", ["with no", "lacking"]],
  ["against", ["versus", "in opposition to"]],
  ["among", ["amongst", "amid"]],
  ["between", ["among"]],
  ["through", ["via", "by means of", "throughout"]],
  ["within", ["inside", "in"]],
  ["around", ["about", "approximately"]],
  ["over", ["more than", "above", "across"]],
  ["under", ["beneath", "below", "less than"]],
  ["near", ["close to", "near to"]],
  ["toward", ["towards", "in the direction of"]],
  ["towards", ["toward", "in the direction of"]],
  ["a lot of", ["a great deal of", "plenty of", "many"]],
  // determiners and quantifiers
  ["many", ["numerous", "several", "various", "a lot of"]],
  ["much", ["a lot", "considerably", "significantly"]],
  ["some", ["a few", "several", "certain"]],
  ["each", ["every"]],
  ["every", ["each"]],
  ["other", ["different", "additional"]],
  ["another", ["one more", "yet another"]],
  ["more", ["additional", "further", "extra"]],
  ["most", ["the majority of", "many"]],
  // adverbs
  ["very", ["extremely", "really", "quite", "highly"]],
  ["often", ["frequently", "regularly", "commonly"]],
  ["still", ["nevertheless", "yet", "even now"]],
  ["already", ["currently", "previously"]],
  ["almost", ["nearly", "practically", "virtually"]],
  ["only", ["just", "solely", "merely", "simply"]],
  ["just", ["simply", "merely", "only"]],
  ["now", ["currently", "presently", "at this point"]],
  ["then", ["afterwards", "at that point", "next"]],
  ["even", ["still", "yet"]],
  // modals and auxiliaries
  ["can", ["could", "may"]],
  ["could", ["might", "may"]],
  ["will", ["shall", "would"]],
  ["would", ["might", "could"]],
  ["should", ["ought to", "need to"]],
  ["must", ["need to", "have to", "should"]],
  ["may", ["might", "could"]],
  ["might", ["may", "could"]],
  ["has to", ["must", "needs to"]],
  ["have to", ["must", "need to"]],
  ["is able to", ["can"]],
  ["are able to", ["can"]],
  // periphrastic auxiliaries and modal phrases (site spinners' habit of lengthening verb groups)
  ["were", ["had been"]],
  ["was", ["has been", "used to be"]],
  ["could be", ["might be", "can be"]],
  ["would be", ["could be", "may be"]],
  ["will be", ["shall be", "can be"]],
  ["is going to", ["will", "is about to"]],
  ["are going to", ["will", "are about to"]],
  // relatives and stock phrases rewritten word by word
  ["where", ["wherein", "in which"]],
  ["when", ["once", "at the time"]],
  ["including", ["along with", "comprising"]],
  ["such as", ["similar to", "corresponding to", "like"]],
  ["like", ["similar to", "resembling"]],
  ["more than", ["greater than", "over"]],
  ["at least", ["a minimum of", "not less than"]],
  ["as well", ["too", "additionally"]],
  ["so far", ["up to now", "to date", "thus far"]],
  ["in the past", ["previously", "beforehand"]],
  ["a number of", ["a variety of", "several"]],
  ["the same", ["the identical", "the very same"]],
  ["as a result", ["consequently", "in consequence"]],
  ["despite", ["regardless of", "in spite of"]],
  ["instead of", ["rather than", "in place of"]],
  ["next to", ["beside", "adjacent to"]],
  ["up to", ["as much as", "as many as"]],
  ["on the other hand", ["alternatively", "then again"]],
  ["which is", ["that is"]],
];

/**
 * Contractions and what site spinners expand them to ("don't" → "do not", "it's" → "it is").
 * Keys are normalised (lower case, ASCII apostrophe); a typographic apostrophe in the text
 * matches too. "'s" after a noun is a possessive, not a contraction, so only pronoun forms are listed.
 */
export const CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ["don't", "do not"], ["doesn't", "does not"], ["didn't", "did not"], ["won't", "will not"],
  ["can't", "cannot"], ["isn't", "is not"], ["aren't", "are not"], ["wasn't", "was not"],
  ["weren't", "were not"], ["hasn't", "has not"], ["haven't", "have not"], ["hadn't", "had not"],
  ["wouldn't", "would not"], ["couldn't", "could not"], ["shouldn't", "should not"], ["mustn't", "must not"],
  ["needn't", "need not"], ["ain't", "is not"],
  ["it's", "it is"], ["that's", "that is"], ["there's", "there is"], ["here's", "here is"],
  ["he's", "he is"], ["she's", "she is"], ["what's", "what is"], ["who's", "who is"], ["let's", "let us"],
  ["i'm", "i am"], ["you're", "you are"], ["we're", "we are"], ["they're", "they are"],
  ["i've", "i have"], ["you've", "you have"], ["we've", "we have"], ["they've", "they have"],
  ["i'll", "i will"], ["you'll", "you will"], ["he'll", "he will"], ["she'll", "she will"],
  ["it'll", "it will"], ["we'll", "we will"], ["they'll", "they will"], ["that'll", "that will"],
  ["i'd", "i would"], ["you'd", "you would"], ["he'd", "he would"], ["she'd", "she would"],
  ["we'd", "we would"], ["they'd", "they would"],
]);

const MAX_WORDS = 4;

/** The table as a forward lexicon: relation 'phrase', sense rank 0. */
export function functionWordLexicon(): ForwardLexicon {
  const map = new Map<string, string[]>(TABLE);
  return {
    forward(norms: readonly string[], i: number): ForwardCandidate[] {
      const out: ForwardCandidate[] = [];
      for (let len = 1; len <= MAX_WORDS && i + len <= norms.length; len++) {
        const spuns = map.get(norms.slice(i, i + len).join(" "));
        if (spuns === undefined) continue;
        for (const spun of spuns) out.push({ length: len, spun, relation: "phrase", senseRank: 0, fanout: spuns.length });
      }
      return out;
    },
  };
}
