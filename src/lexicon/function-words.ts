/**
 * Closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries, modals,
 * determiners, number words). WordNet lists some of them with unrelated content senses
 * ("a" vitamin A, "in" inch, "can" container, "will" volition, "us" United States); the
 * lexicon does not expand them through WordNet on either side, only through the phrase table.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  // articles, determiners, quantifiers
  "a", "an", "the", "this", "that", "these", "those", "some", "any", "no", "every", "each", "all",
  "both", "either", "neither", "such", "what", "which", "whose", "whatever", "whichever",
  // pronouns
  "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his",
  "she", "her", "hers", "it", "its", "they", "them", "their", "theirs", "who", "whom", "one",
  "myself", "yourself", "himself", "herself", "itself", "ourselves", "themselves",
  // prepositions and particles
  "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "upon", "about", "as",
  "up", "down", "out", "off", "over", "than", "via", "per", "like",
  // conjunctions
  "and", "or", "nor", "but", "if", "so", "then", "yet",
  // auxiliaries and modals
  "be", "am", "is", "are", "was", "were", "been", "being", "have", "has", "had", "having",
  "do", "does", "did", "done", "doing", "will", "would", "shall", "should", "can", "could",
  "may", "might", "must", "ought",
  // negation and the like
  "not", "yes", "there", "here",
  // number words
  "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
  "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
  "thousand", "million", "billion", "trillion", "zero",
]);
