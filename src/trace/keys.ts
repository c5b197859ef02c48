/**
 * Spin-invariant word keys and the lexicon view the tracer needs.
 *
 * The tracer uses the restorer's lexicon (src/lexicon) when it is available: its
 * cluster key maps a word and its likely spun substitutes to one key, and its phrase
 * matcher lists the originals a spinner could have turned some copy words into. When
 * it is not available (or while it is being built) a small built-in fallback keeps
 * everything working with exact / stemmed keys only.
 */

/** What the tracer needs from a lexicon. */
export interface TraceLexicon {
  /** Spin-invariant key of a normalised word (names and numbers key to themselves). */
  key(norm: string): string;
  /** Base form of a normalised word. */
  lemma(norm: string): string;
  /**
   * Originals a spinner could have turned the copy words starting at `i` into:
   * `length` copy words, each original as its lower-case words.
   */
  originals(norms: string[], i: number): { length: number; originals: string[][] }[];
  /** Where the lexicon came from ("lexicon" or "fallback"). */
  readonly source: string;
}

/** Function words: changed freely by spinners ("were" → "have been"), useless as fingerprints. */
export const STOPWORDS: ReadonlySet<string> = new Set((
  "a an the and or but nor so yet for of in on at to from by with without within into onto upon over under " +
  "about above below across after before behind beside besides between beyond during except inside near off out outside " +
  "since through throughout till toward towards until up down via per than then there here where when whence while whereas " +
  "as because if unless though although whether which who whom whose what whatever whoever that this these those " +
  "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his himself she her hers herself " +
  "it its itself they them their theirs themselves one ones " +
  "be am is are was were been being have has had having do does did doing done will would shall should can could may might must " +
  "ought not no nor only own same such too very just also even still already again further once both each either neither " +
  "all any few many more most much other others some several enough less least lot lots " +
  "is isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't can't cannot couldn't shouldn't " +
  "it's that's there's he's she's i'm you're we're they're i've you've we've they've i'd you'd he'd she'd we'd they'd " +
  "i'll you'll he'll she'll we'll they'll let's " +
  "how why yes well like said says say get got go going gone make made come came take took"
).split(/\s+/));

const SUFFIXES: [RegExp, string][] = [
  [/ies$/, "y"], [/ied$/, "y"], [/([^aeiou])es$/, "$1e"], [/sses$/, "ss"], [/([^su])s$/, "$1"],
  [/([a-z]{3,})ing$/, "$1"], [/([a-z]{3,})ed$/, "$1"], [/([a-z]{3,})ly$/, "$1"],
];

/** A crude stemmer for the fallback lexicon: "increasing"/"increased"/"increases" → "increas". */
export function crudeStem(norm: string): string {
  if (norm.length <= 4 || !/^[a-z'-]+$/.test(norm)) return norm;
  let w = norm.replace(/'s$/, "");
  for (const [re, rep] of SUFFIXES) {
    if (re.test(w)) {
      w = w.replace(re, rep);
      break;
    }
  }
  return w.replace(/e$/, "");
}

export function fallbackLexicon(): TraceLexicon {
  const cache = new Map<string, string>();
  const key = (norm: string): string => {
    let k = cache.get(norm);
    if (k === undefined) {
      k = crudeStem(norm);
      if (cache.size > 1_000_000) cache.clear();
      cache.set(norm, k);
    }
    return k;
  };
  return {
    source: "fallback",
    key,
    lemma: key,
    originals: () => [],
  };
}

/** Pairs learned from confirmed traces (original → spun), folded into a lexicon's phrase matcher. */
export function withLearned(lex: TraceLexicon, learned: Iterable<{ original: string; spun: string; count: number }>): TraceLexicon {
  const bySpunFirst = new Map<string, { spun: string[]; original: string[] }[]>();
  let n = 0;
  for (const p of learned) {
    const spun = p.spun.toLowerCase().split(/\s+/).filter(Boolean);
    const original = p.original.toLowerCase().split(/\s+/).filter(Boolean);
    if (spun.length === 0 || original.length === 0) continue;
    const list = bySpunFirst.get(spun[0]) ?? [];
    list.push({ spun, original });
    bySpunFirst.set(spun[0], list);
    n++;
  }
  if (n === 0) return lex;
  return {
    source: lex.source + "+learned",
    key: lex.key,
    lemma: lex.lemma,
    originals(norms, i) {
      const base = lex.originals(norms, i);
      const extra = bySpunFirst.get(norms[i]);
      if (!extra) return base;
      const out = base.slice();
      for (const e of extra) {
        if (e.spun.every((w, k) => norms[i + k] === w)) out.push({ length: e.spun.length, originals: [e.original] });
      }
      return out;
    },
  };
}

let cached: Promise<TraceLexicon> | undefined;

/**
 * The restorer's lexicon adapted for tracing, or the fallback when it cannot be loaded.
 * Loaded once per process.
 */
export function loadTraceLexicon(): Promise<TraceLexicon> {
  cached ??= loadFromProject().catch(() => fallbackLexicon());
  return cached;
}

interface ProjectLexiconLike {
  clusterKey?(norm: string): string;
  match?(norms: string[], i: number): { length: number; substitutions: { original: string }[] }[];
  lemmatize?(norm: string): string;
}

async function loadFromProject(): Promise<TraceLexicon> {
  if (process.env.UNSPIN_TRACE_LEXICON === "fallback") return fallbackLexicon();
  // Resolved at run time so that the tracer builds and runs before the lexicon lands.
  const spec = "../lexicon/files.js";
  const mod = (await import(spec)) as { loadLexicon?: () => unknown };
  if (typeof mod.loadLexicon !== "function") return fallbackLexicon();
  const lex = (await mod.loadLexicon()) as ProjectLexiconLike;
  if (typeof lex.clusterKey !== "function") return fallbackLexicon();
  let lemmatize: ((w: string) => string) | undefined;
  try {
    const morphSpec = "../lexicon/files.js";
    const morph = (await import(morphSpec)) as { lemmatize?: (w: string) => unknown };
    if (typeof morph.lemmatize === "function") {
      const f = morph.lemmatize;
      const cache = new Map<string, string>();
      lemmatize = (w) => {
        let l = cache.get(w);
        if (l !== undefined) return l;
        let r: unknown;
        try {
          r = f(w);
        } catch {
          r = w;
        }
        const first = Array.isArray(r) ? r[0] : r;
        l = typeof first === "string" ? first : typeof (first as { lemma?: unknown })?.lemma === "string" ? (first as { lemma: string }).lemma : w;
        if (cache.size > 500_000) cache.clear();
        cache.set(w, l);
        return l;
      };
    }
  } catch {
    /* morphology is optional */
  }
  const keyCache = new Map<string, string>();
  const converted = new WeakMap<object, string[][]>();
  const clusterKey = lex.clusterKey.bind(lex);
  const match = lex.match?.bind(lex);
  return {
    source: "lexicon",
    key(norm) {
      let k = keyCache.get(norm);
      if (k === undefined) {
        try {
          k = clusterKey(norm) || norm;
        } catch {
          k = norm; // a lexicon failure must not stop tracing
        }
        if (keyCache.size > 1_000_000) keyCache.clear();
        keyCache.set(norm, k);
      }
      return k;
    },
    lemma: lemmatize ?? crudeStem,
    originals(norms, i) {
      if (!match) return [];
      let found: { length: number; substitutions: { original: string }[] }[];
      try {
        found = match(norms, i);
      } catch {
        return []; // a lexicon failure must not stop tracing
      }
      return found.map((m) => {
        // The lexicon caches its answers; convert each answer once.
        let originals = converted.get(m.substitutions);
        if (!originals) {
          originals = m.substitutions.map((s) => s.original.split(" "));
          converted.set(m.substitutions, originals);
        }
        return { length: m.length, originals };
      });
    },
  };
}
