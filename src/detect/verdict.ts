/** The words a score is reported with, shared by the terminal report and the web page. */
export function verdict(score: number): string {
  if (score >= 0.8) return "very likely machine-spun";
  if (score >= 0.5) return "probably machine-spun";
  if (score >= 0.2) return "possibly spun";
  return "no sign of spinning";
}
