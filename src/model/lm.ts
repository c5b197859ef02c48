/**
 * The query side of an n-gram language model: what the decoder needs, nothing more.
 * Implemented by the reader of the CMU Sphinx trie format (`sphinx-trie.ts`), which is
 * also the format `unspin lm build` writes, so shipped and user-built models are one thing.
 */
export interface LanguageModel {
  /** Highest n-gram order (3 for the shipped model). */
  readonly order: number;
  /** Number of words in the vocabulary. */
  readonly vocabularySize: number;
  /** Id of the sentence-start and sentence-end markers. */
  readonly bos: number;
  readonly eos: number;
  /** Word id of a lower-case word, or -1 when the word is not in the vocabulary. */
  id(word: string): number;
  /** The word of an id. */
  word(id: number): string;
  /**
   * log10 P(w | h2 h1): w the predicted word, h1 the word before it, h2 the one before that.
   * A history id of -1 means "no word" (start of stream or unknown word: back off past it).
   * w must be a valid id.
   */
  logProb(w: number, h1: number, h2: number): number;
  /** Unigram log10 probability of a word id. */
  unigram(w: number): number;
  /** Ids h with a bigram (h w) in the model, ascending (slot candidates: what may stand before w). */
  predecessors?(w: number): Uint32Array;
  /** Ids w with a bigram (h w) in the model, ascending (what may follow h). */
  successors?(h: number): Uint32Array;
}

/** log10 probability charged for a word the model does not know. */
export const OOV_LOG_PROB = -7;
