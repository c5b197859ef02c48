// Compile src/ to dist/ and make the CLI executable: tsc writes files without the execute
// bit, and `npx unspin` runs dist/cli/main.js directly (through its #! line).
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
chmodSync(new URL("../dist/cli/main.js", import.meta.url), 0o755);
