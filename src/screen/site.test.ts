import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeDate, siteOf } from "./site.js";

test("siteOf: registrable domain, lower-case; IPs as themselves; private suffixes are sites; garbage is null", () => {
  assert.equal(siteOf("https://News.BBC.co.uk/world/article-1?x=1"), "bbc.co.uk");
  assert.equal(siteOf("http://www.example.com:8080/a"), "example.com");
  assert.equal(siteOf("http://a.b.c.example.org"), "example.org");
  assert.equal(siteOf("example.net/path/only"), "example.net");
  assert.equal(siteOf("http://192.168.10.7/page"), "192.168.10.7");
  assert.equal(siteOf("http://[2001:db8::1]/page"), "2001:db8::1");
  assert.equal(siteOf("https://farm-one.blogspot.com/2024/01/post.html"), "farm-one.blogspot.com");
  assert.equal(siteOf("https://farm-two.blogspot.com/"), "farm-two.blogspot.com");
  assert.equal(siteOf(null), null);
  assert.equal(siteOf(""), null);
  assert.equal(siteOf("not a url"), null);
  assert.equal(siteOf("http://localhost:3000/x"), null);
  assert.equal(siteOf("%%%"), null);
});

test("normalizeDate: WARC, ISO, HTTP and RFC 2822 dates to ISO 8601; anything else null", () => {
  // WARC-Date (1.0 and 1.1 with fractions), ISO with offsets, plain dates.
  assert.equal(normalizeDate("2021-05-01T10:00:00Z"), "2021-05-01T10:00:00Z");
  assert.equal(normalizeDate("2021-05-01T10:00:00.123456Z"), "2021-05-01T10:00:00.123Z");
  assert.equal(normalizeDate("2021-05-01T12:30:00+02:00"), "2021-05-01T10:30:00Z");
  assert.equal(normalizeDate("2021-05-01T10:00"), "2021-05-01T10:00:00Z");
  assert.equal(normalizeDate("2021-05-01 10:00:00"), "2021-05-01T10:00:00Z");
  assert.equal(normalizeDate("2024-02-29"), "2024-02-29");
  assert.equal(normalizeDate("  2022-01-27 "), "2022-01-27");
  // HTTP / RFC 1123, RFC 2822 with offset, RFC 850, asctime, CDX timestamps.
  assert.equal(normalizeDate("Tue, 15 Nov 1994 08:12:31 GMT"), "1994-11-15T08:12:31Z");
  assert.equal(normalizeDate("Tue, 15 Nov 1994 08:12:31 +0100"), "1994-11-15T07:12:31Z");
  assert.equal(normalizeDate("15 Nov 1994 08:12 EST"), "1994-11-15T13:12:00Z");
  assert.equal(normalizeDate("Sunday, 06-Nov-94 08:49:37 GMT"), "1994-11-06T08:49:37Z");
  assert.equal(normalizeDate("Sun Nov  6 08:49:37 1994"), "1994-11-06T08:49:37Z");
  assert.equal(normalizeDate("20210501100000"), "2021-05-01T10:00:00Z");
  // Not dates, impossible dates.
  for (const bad of ["", "hello 2", "Foo 12", "2023-02-30", "2023-13-01", "12/05/2021", "yesterday", "1577836800", "Tue, 15 Zzz 1994 08:12:31 GMT", "0099-01-01"]) {
    assert.equal(normalizeDate(bad), null, bad);
  }
  assert.equal(normalizeDate(null), null);
  assert.equal(normalizeDate(undefined), null);
});
