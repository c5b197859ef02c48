/** How a spinner could have reached the observed wording from an original. */
export type Relation =
  | "synonym"   // same WordNet synset
  | "similar"   // WordNet similar-to / see-also / verb group
  | "hypernym"  // the spun word is a more general term than the original
  | "hyponym"   // the spun word is a more specific term than the original
  | "variant"   // spelling variant (British / American, hyphenation)
  | "phrase"    // function-word or phrase paraphrase (hand-written table)
  | "learned"   // seen in confirmed traces of the user's own documents (`unspin learn`)
  | "slot";     // predicted by the language model for an out-of-place word (site learner only)

/** One original that a spinner could have turned into the observed words. */
export interface Substitution {
  /** The original, lower case, words joined by single spaces, inflected to fit ("sent", "calls for"). */
  original: string;
  relation: Relation;
  /** Rank (0 = most frequent) of the sense that links the two words, among the original's senses; 0 for phrases. */
  senseRank: number;
  /** Rank of that sense among the spun word's senses. */
  spunSenseRank: number;
  /** How many distinct substitutes the lexicon lists for the original (a spinner picks among them). */
  fanout: number;
  /** Pages the pair was seen on in the development table of observed spinner substitutions (0 if never). */
  observed: number;
  /** Sense tag count (WordNet cntlist) of the linking sense for the original; 0 when unknown. */
  tagCount: number;
}

/** Substitutions for the spun phrase that starts at a given token and covers `length` word tokens. */
export interface PhraseMatch {
  length: number;
  substitutions: Substitution[];
}
