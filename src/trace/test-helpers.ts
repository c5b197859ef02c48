/**
 * Test fixtures for the tracer: a small hand-written thesaurus spinner (so tests do not
 * depend on the full lexicon) and the matching lexicon view. Written for these tests;
 * nothing here is derived from the seed document.
 */
import type { ForwardCandidate, ForwardLexicon } from "../spin/simulate.js";
import { fallbackLexicon, type TraceLexicon } from "./keys.js";

/** original → substitutes a spinner might pick. */
export const TEST_THESAURUS: Record<string, string[]> = {
  said: ["stated", "mentioned"], says: ["states"], new: ["recent", "contemporary"], year: ["12 months"],
  years: ["years", "12 months"], people: ["individuals", "folks"], state: ["nation"], city: ["metropolis"],
  big: ["massive"], large: ["giant", "massive"], small: ["tiny", "little"], important: ["essential", "vital"],
  help: ["assist", "assistance"], began: ["commenced"], begin: ["commence"], start: ["begin"], show: ["present"],
  told: ["informed"], asked: ["requested"], made: ["produced"], make: ["produce"], get: ["acquire"],
  good: ["great", "excellent"], great: ["nice"], many: ["numerous"], work: ["job", "labor"], house: ["home", "residence"],
  week: ["week"], program: ["programme"], report: ["record"], members: ["individuals"], public: ["common"],
  government: ["authorities"], country: ["nation"], money: ["cash"], plan: ["scheme"], problem: ["downside"],
  question: ["query"], also: ["additionally"], however: ["nevertheless"], because: ["as a result of"],
  before: ["earlier than"], about: ["about", "regarding"], would: ["might"], could: ["might"], were: ["have been"],
  should: ["ought to"], including: ["together with"], against: ["in opposition to"], during: ["throughout"],
  military: ["navy"], increase: ["improve"], increased: ["elevated"],
  meeting: ["assembly"], school: ["faculty"], children: ["kids"], home: ["residence"], place: ["place", "area"],
  time: ["time", "period"], first: ["first", "preliminary"], last: ["final"], later: ["afterward"], high: ["excessive"],
  board: ["board", "panel"], court: ["courtroom"], police: ["law enforcement"], officials: ["officers"], law: ["legislation"],
  vote: ["poll"], election: ["poll"], party: ["social gathering"], team: ["group"], game: ["recreation"], season: ["season", "period"],
};

function candidates(original: string): string[] {
  return (TEST_THESAURUS[original] ?? []).filter((s) => s !== original);
}

/** The test thesaurus as the simulator's forward lexicon. */
export const testForwardLexicon: ForwardLexicon = {
  forward(norms: string[], i: number): ForwardCandidate[] {
    const c = candidates(norms[i]);
    return c.map((spun) => ({ length: 1, spun, relation: "synonym" as const, senseRank: 0, fanout: c.length }));
  },
};

/** The test thesaurus reversed, as the tracer's lexicon (originals of spun phrases). */
export function testTraceLexicon(): TraceLexicon {
  const base = fallbackLexicon();
  const bySpun = new Map<string, { words: string[]; original: string }[]>();
  for (const [o, subs] of Object.entries(TEST_THESAURUS)) {
    for (const s of subs) {
      const words = s.split(" ");
      const l = bySpun.get(words[0]) ?? [];
      l.push({ words, original: o });
      bySpun.set(words[0], l);
    }
  }
  return {
    source: "test",
    key: base.key,
    lemma: base.lemma,
    originals(norms, i) {
      const out: { length: number; originals: string[][] }[] = [];
      for (const e of bySpun.get(norms[i]) ?? []) {
        if (e.words.every((w, k) => norms[i + k] === w)) out.push({ length: e.words.length, originals: [e.original.split(" ")] });
      }
      return out;
    },
  };
}
