// The web app's build: src/web is the root, the output goes to dist/web (served by `unspin serve`).
// No inline scripts or styles (the server's CSP is `default-src 'self'`), no module-preload
// polyfill, nothing from another origin.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const shims = fileURLToPath(new URL("./engine/node-shims.ts", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // The engine's Node built-ins, for its browser build (see engine/node-shims.ts).
  resolve: { alias: [{ find: /^node:(fs|fs\/promises|zlib|url)$/, replacement: shims }] },
  base: "/",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  worker: { format: "es" },
});
