/**
 * The report's own browser script, kept as plain JavaScript text: it is inlined verbatim (its
 * SHA-256 goes in the CSP), so it must not pass through a compiler that could add helpers.
 *
 * It reads the chart data from the JSON block, draws the two uPlot charts, collapses the
 * no-JS data tables they replace, and records on each chart element what it drew
 * (data-bars, data-box, data-colors, data-centers, data-labels): the browser test checks
 * those against the canvas pixels. Untrusted strings only reach the canvas (fillText) or
 * textContent / dataset, never markup.
 */
export const REPORT_CLIENT_JS = `(() => {
  "use strict";
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const root = document.documentElement;
  const style = getComputedStyle(root);
  const cssVar = (name) => style.getPropertyValue(name).trim();
  const FONT = "12px system-ui, -apple-system, \\"Segoe UI\\", Roboto, Arial, sans-serif";
  const colors = { base: cssVar("--bar"), spun: cssVar("--spun"), grid: cssVar("--grid"), text: cssVar("--fg") };
  const charts = [];
  const pct = (v) => (Math.round(v * 1000) / 10) + "%";
  const int = (n) => String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ",");

  const widthOf = (el) => Math.max(300, Math.floor(el.getBoundingClientRect().width));

  // What was drawn, in canvas pixels, for the test (and anyone inspecting the file).
  function expose(u, el, bars, centers, fills, labels) {
    const b = u.bbox;
    el.dataset.bars = String(bars);
    el.dataset.box = JSON.stringify([Math.round(b.left), Math.round(b.top), Math.round(b.width), Math.round(b.height)]);
    el.dataset.colors = JSON.stringify(fills);
    el.dataset.centers = JSON.stringify(centers.map((c) => [Math.round(c[0]), Math.round(c[1])]));
    if (labels) el.dataset.labels = JSON.stringify(labels);
    el.dataset.drawn = String(Number(el.dataset.drawn || 0) + 1);
  }

  function collapseFallback(el) {
    const d = el.parentElement.querySelector("details.fallback");
    if (d) d.open = false;
  }

  function histogram(width) {
    const el = document.getElementById("chart-histogram");
    const bins = data.histogram;
    if (!el || bins.length === 0) return;
    const t = data.threshold;
    const isSpun = (b) => t !== null && b.from >= t;
    const xs = bins.map((b) => (b.from + b.to) / 2);
    const base = bins.map((b) => (isSpun(b) ? null : b.count));
    const spun = bins.map((b) => (isSpun(b) ? b.count : null));
    const max = Math.max(1, ...bins.map((b) => b.count));
    // Ticks at 0 and the powers of ten up to the largest bin.
    const ticks = [0];
    for (let p = max >= 1000 ? 10 : 1; p <= max * 1.15; p *= 10) ticks.push(p);
    const short = (v) => (v >= 1e6 ? v / 1e6 + "M" : v >= 1e3 ? v / 1e3 + "k" : String(v));
    const readout = el.parentElement.querySelector(".readout");
    const u = new uPlot({
      width,
      height: 260,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: [0, 1] },
        // asinh: a log-like scale that keeps zero; spun bins are often tiny next to the rest.
        y: { distr: 4, asinh: 1, range: [0, max * 1.15] },
      },
      axes: [
        { font: FONT, stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, values: (u, s) => s.map((v) => v.toFixed(2)), label: "score", labelFont: FONT },
        { font: FONT, stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, splits: () => ticks, filter: (u, s) => s, values: (u, s) => s.map((v) => (v == null ? "" : short(v))), label: "pages (log scale)", labelFont: FONT, size: 56 },
      ],
      series: [
        {},
        { label: "not spun", fill: colors.base, stroke: colors.base, width: 0, points: { show: false }, paths: uPlot.paths.bars({ size: [0.8, Infinity], align: 0 }) },
        { label: "spun", fill: colors.spun, stroke: colors.spun, width: 0, points: { show: false }, paths: uPlot.paths.bars({ size: [0.8, Infinity], align: 0 }) },
      ],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            if (t !== null) {
              // The spun threshold, dashed, with its value.
              const x = Math.round(u.valToPos(t, "x", true)) + 0.5;
              ctx.save();
              ctx.strokeStyle = colors.text;
              ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.lineWidth = devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.fillStyle = colors.text;
              ctx.font = (12 * devicePixelRatio) + "px system-ui, sans-serif";
              ctx.textAlign = x > u.bbox.left + u.bbox.width * 0.8 ? "right" : "left";
              ctx.fillText(" spun \\u2265 " + t.toFixed(2) + " ", x, u.bbox.top + 14 * devicePixelRatio);
              ctx.restore();
            }
            const y0 = u.valToPos(0, "y", true);
            const centers = [];
            bins.forEach((b, i) => {
              if (b.count > 0) centers.push([u.valToPos(xs[i], "x", true), (y0 + u.valToPos(b.count, "y", true)) / 2]);
            });
            expose(u, el, bins.length, centers, [colors.base, colors.spun]);
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (!readout) return;
            readout.textContent = i == null ? "\\u00a0" : bins[i].from.toFixed(2) + "\\u2013" + bins[i].to.toFixed(2) + ": " + int(bins[i].count) + " pages";
          },
        ],
      },
    }, [xs, base, spun], el);
    charts.push([u, el]);
  }

  function sites(width) {
    const el = document.getElementById("chart-sites");
    const s = data.sites;
    if (!el || s.length === 0) return;
    const labels = s.map((d) => (d.site.length > 32 ? d.site.slice(0, 31) + "\\u2026" : d.site));
    const xs = s.map((_, i) => i);
    const ys = s.map((d) => d.share);
    const readout = el.parentElement.querySelector(".readout");
    const measure = document.createElement("canvas").getContext("2d");
    measure.font = FONT;
    const labelWidth = Math.ceil(Math.max(...labels.map((l) => measure.measureText(l).width)));
    const u = new uPlot({
      width,
      height: 100 + 26 * s.length,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      // Horizontal bars: the category scale runs down the left side, first site on top.
      scales: {
        x: { time: false, ori: 1, dir: -1, range: [-0.5, s.length - 0.5] },
        y: { ori: 0, dir: 1, range: [0, 1] },
      },
      axes: [
        { scale: "x", side: 3, font: FONT, stroke: colors.text, grid: { show: false }, ticks: { show: false }, splits: () => xs, values: (u, sp) => sp.map((i) => labels[i] ?? ""), size: labelWidth + 16, gap: 6 },
        { scale: "y", side: 2, font: FONT, stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, incrs: [0.1, 0.2, 0.25, 0.5], values: (u, sp) => sp.map((v) => Math.round(v * 100) + "%"), label: "spun share", labelFont: FONT },
      ],
      series: [
        {},
        { label: "spun share", fill: colors.spun, stroke: colors.spun, width: 0, points: { show: false }, paths: uPlot.paths.bars({ size: [0.7, 22], align: 0 }) },
      ],
      hooks: {
        draw: [
          (u) => {
            const x0 = u.valToPos(0, "y", true);
            const centers = [];
            s.forEach((d, i) => {
              if (d.share > 0) centers.push([(x0 + u.valToPos(d.share, "y", true)) / 2, u.valToPos(i, "x", true)]);
            });
            expose(u, el, s.length, centers, [colors.spun], s.map((d) => d.site));
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (!readout) return;
            readout.textContent = i == null ? "\\u00a0" : s[i].site + ": " + pct(s[i].share) + " of " + int(s[i].pages) + " pages spun";
          },
        ],
      },
    }, [xs, ys], el);
    charts.push([u, el]);
  }

  function resize(width) {
    for (const [u, el] of charts) u.setSize({ width: width ?? widthOf(el), height: u.height });
  }

  // Both widths are read before either chart is inserted: one layout of the whole
  // document, not one per chart (the pages table makes each costly).
  const widths = new Map(["chart-histogram", "chart-sites"].map((id) => [id, document.getElementById(id)]).filter(([, el]) => el).map(([id, el]) => [id, widthOf(el)]));
  histogram(widths.get("chart-histogram"));
  sites(widths.get("chart-sites"));
  for (const [, el] of charts) collapseFallback(el);
  let pending = false;
  window.addEventListener("resize", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; resize(); });
  });
  // Canvases do not reflow on paper: draw them at a printable width, then back.
  window.addEventListener("beforeprint", () => resize(640));
  window.addEventListener("afterprint", () => resize());
  root.dataset.renderMs = (performance.now() - t0).toFixed(1);
  root.dataset.ready = "1";
})();
`;
