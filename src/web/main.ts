/**
 * The unspin web app: three views (Check, Trace, Runs) over the server's API, chosen by the
 * URL's hash so that each is a real link (and the back button works). The server says what
 * it has (`/v1/health`); a view it cannot serve says so plainly.
 */
import { health, type Health } from "./api.js";
import { setupCheck } from "./check.js";
import { byId } from "./dom.js";
import { setupRuns } from "./runs.js";
import { setupTrace } from "./trace.js";
import { localCheck } from "./local.js";

const VIEWS = ["check", "trace", "runs"] as const;
type View = (typeof VIEWS)[number];

let server: Health | null = null;
let runsLoaded = false;
const runs = setupRuns();

function show(view: View, focus: boolean): void {
  for (const v of VIEWS) {
    byId(`view-${v}`).hidden = v !== view;
    const link = document.querySelector(`a[data-nav="${v}"]`);
    if (v === view) link?.setAttribute("aria-current", "page");
    else link?.removeAttribute("aria-current");
  }
  document.title = `${view[0].toUpperCase()}${view.slice(1)} · unspin`;
  if (view === "runs" && server?.results && !runsLoaded) {
    runsLoaded = true;
    void runs.load();
  }
  if (focus) byId(`${view}-heading`).focus();
}

function current(): View {
  const h = location.hash.slice(1);
  return (VIEWS as readonly string[]).includes(h) ? (h as View) : "check";
}

function applyHealth(h: Health | null): void {
  server = h;
  const status = byId("server-status");
  byId("trace-unavailable").hidden = h === null || h.index;
  byId("runs-unavailable").hidden = h === null || h.results;
  byId("trace-form").hidden = h !== null && !h.index;
  if (!h) {
    // Without the API the page can still check text, with the engine in this browser.
    status.textContent = "The server's API did not answer: checks run in this browser.";
    byId<HTMLInputElement>("check-local").checked = true;
    return;
  }
  byId("version").textContent = h.version;
  status.textContent = [
    `Server ${h.version}, ${h.threads} thread${h.threads === 1 ? "" : "s"}`,
    h.index ? "trace index: yes" : "no trace index",
    h.results ? "results store: yes" : "no results store",
  ].join(" · ");
}

for (const v of VIEWS) byId(`${v}-heading`).tabIndex = -1;
setupCheck(localCheck);
setupTrace();
window.addEventListener("hashchange", () => show(current(), true));
show(current(), false);
health()
  .then(applyHealth, () => applyHealth(null))
  .finally(() => {
    document.documentElement.dataset.ready = "1";
    show(current(), false);
  });
