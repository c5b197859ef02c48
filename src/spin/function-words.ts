/**
 * The simulator's own function-word and phrase swaps: the connectives, prepositions, modals and
 * stock phrases that spinners rewrite ("according to" → "as per", "because" → "due to the fact
 * that", "however" → "be that as it may").
 *
 * This table was written for the simulator alone. It was not drawn from the lexicon's
 * hand-written phrase table (src/lexicon/data/phrases.tsv), so a restorer that uses that table is
 * not graded on text its own table produced. Its entries are context-blind like a spinner's:
 * "about" may become "around" or "regarding" whatever it meant. Forms are literal (these words
 * barely inflect). Only `spin(..., {functionWords: true})` uses it.
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
];

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
