// Compile src/ to dist/ and make the CLI executable: tsc writes files without the execute
// bit, and `npx unspin` runs dist/cli/main.js directly (through its #! line). Then build the
// web app (src/web, vite) into dist/web, which `unspin serve` serves at `/`.
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
chmodSync(new URL("../dist/cli/main.js", import.meta.url), 0o755);

const { build } = await import("vite");
await build({ configFile: fileURLToPath(new URL("../src/web/vite.config.ts", import.meta.url)) });
