// Stop an install (npm's preinstall) or a run on a Node.js older than package.json's
// "engines" allows, with one line instead of a native-build failure or a syntax error.
// Plain CommonJS without modern syntax, so that old Node versions can still parse it.
//   node scripts/check-node.cjs [version]   (version defaults to the running Node's)
"use strict";
var path = require("path");
var range = require(path.join(__dirname, "..", "package.json")).engines.node; // ">=20"
var minimum = Number(/^>=\s*(\d+)/.exec(range)[1]);
var version = (process.argv[2] || process.versions.node).replace(/^v/, "");
if (Number(version.split(".")[0]) < minimum) {
  process.stderr.write("unspin needs Node.js " + minimum + " or later (engines: " + range + "); this is Node.js " + version + ".\n");
  process.exit(1);
}
