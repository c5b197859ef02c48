/**
 * Sites and dates of crawled pages: the registrable domain a page belongs to (for per-site
 * summaries) and crawl or publication dates normalised to ISO 8601.
 */
import { parse } from "tldts";

/**
 * Registrable domain of a URL, lower-case ("news.bbc.co.uk" → "bbc.co.uk"); the address itself
 * for an IP host; null without a URL or for one with no registrable domain (garbage, "localhost").
 * Private suffixes count (allowPrivateDomains): each "x.blogspot.com" is a site of its own, which
 * is what matters when a content farm runs hundreds of blogs on one host.
 */
export function siteOf(url: string | null): string | null {
  if (!url) return null;
  const u = url.trim();
  if (!u || /\s/.test(u)) return null;
  const p = parse(u, { allowPrivateDomains: true });
  if (p.isIp && p.hostname) return p.hostname.toLowerCase();
  return p.domain ? p.domain.toLowerCase() : null;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

// Strict patterns only: Date.parse accepts nearly anything ("hello 2" is 2001-02-01).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/; // CDX/ARC 14-digit timestamps
// RFC 2822 / RFC 1123 ("Tue, 15 Nov 1994 08:12:31 GMT") and RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT").
const RFC = /^(?:[a-z]+,?\s+)?(\d{1,2})[\s-]([a-z]{3})[a-z]*[\s-](\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(gmt|ut|utc|z|[+-]\d{4}|[a-z]{3})?$/i;
// asctime ("Sun Nov  6 08:49:37 1994").
const ASCTIME = /^[a-z]{3}\s+([a-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/i;
const ZONES: Record<string, number> = { gmt: 0, ut: 0, utc: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7 };

/**
 * An ISO 8601 form of a date, or null when it is not one of the formats crawls use: WARC-Date
 * and other ISO dates (with or without time, fraction or offset; without an offset, UTC),
 * RFC 2822 / HTTP dates, RFC 850, asctime, 14-digit CDX timestamps. A plain date stays a
 * date ("2024-03-01"); a date-time becomes UTC ("2024-03-01T12:00:00Z", milliseconds only
 * when not zero). Impossible dates (2023-02-30) and years outside 1900–2200 give null.
 */
export function normalizeDate(s: string | null | undefined): string | null {
  if (typeof s !== "string") return null;
  const t = s.trim();
  if (!t || t.length > 64) return null;
  let m = ISO.exec(t);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    if (h === undefined) return validDay(+y, +mo, +d) ? `${y}-${mo}-${d}` : null;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    return dateTime(+y, +mo, +d, +h, +mi, sec ? +sec : 0, ms, zoneMinutes(zone));
  }
  m = COMPACT.exec(t);
  if (m) return dateTime(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], 0, 0);
  m = RFC.exec(t);
  if (m) {
    const mo = MONTHS[m[2].toLowerCase()];
    if (!mo) return null;
    let y = +m[3];
    if (m[3].length === 2) y += y < 50 ? 2000 : 1900; // RFC 850 / 2822 two-digit years
    const zone = m[7] ? zoneMinutes(m[7]) : 0;
    if (zone === null) return null;
    return dateTime(y, mo, +m[1], +m[4], +m[5], m[6] ? +m[6] : 0, 0, zone);
  }
  m = ASCTIME.exec(t);
  if (m) {
    const mo = MONTHS[m[1].toLowerCase()];
    return mo ? dateTime(+m[6], mo, +m[2], +m[3], +m[4], +m[5], 0, 0) : null;
  }
  return null;
}

function zoneMinutes(zone: string | undefined): number | null {
  if (!zone) return 0;
  const z = zone.toLowerCase();
  if (z in ZONES) return ZONES[z] * 60;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  const v = +m[2] * 60 + (m[3] ? +m[3] : 0);
  return m[1] === "-" ? -v : v;
}

function validDay(y: number, mo: number, d: number): boolean {
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function dateTime(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: number | null): string | null {
  if (zone === null || !validDay(y, mo, d) || h > 24 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms) - zone * 60_000;
  const iso = new Date(t).toISOString();
  return iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso;
}
