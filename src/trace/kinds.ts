/** What each kind of trace match means, in words (the CLI and the web page say it the same way). */
export const KIND_TEXT: Readonly<Record<string, string>> = {
  verbatim: "verbatim copy",
  spun: "spun copy (words swapped for synonyms)",
  translated: "machine-translated copy",
  paraphrased: "paraphrased copy (sentences rewritten)",
  unrelated: "unrelated",
};
