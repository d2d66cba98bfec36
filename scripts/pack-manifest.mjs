// The published package.json without the `prepare` script. In this repository
// `prepare` builds dist/ on `npm install`; in a consumer's install it would do
// nothing (the tarball ships dist/) but npm 11 still lists the package under
// "install scripts not yet covered by allowScripts". `npm pack`/`npm publish`
// run `prepack` (strip) before packing and `postpack` (restore) after it.
// Both keep package.json's modification time, so dist/ is not seen as stale.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const manifest = path.join(root, "package.json");
const backup = path.join(root, ".package.json.prepack");

/** Lifecycle scripts npm would run (or flag) when a consumer installs the tarball. */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"];

export function strip() {
  if (fs.existsSync(backup)) restore(); // an interrupted pack left the stripped file
  const text = fs.readFileSync(manifest, "utf8");
  const { mtime, atime } = fs.statSync(manifest);
  const pkg = JSON.parse(text);
  for (const name of INSTALL_SCRIPTS) delete pkg.scripts?.[name];
  fs.writeFileSync(backup, text);
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
  fs.utimesSync(manifest, atime, mtime);
}

export function restore() {
  if (!fs.existsSync(backup)) return;
  const { mtime, atime } = fs.statSync(manifest);
  fs.writeFileSync(manifest, fs.readFileSync(backup));
  fs.utimesSync(manifest, atime, mtime);
  fs.rmSync(backup);
}

const command = process.argv[2];
if (import.meta.filename === path.resolve(process.argv[1] ?? "")) {
  if (command === "strip") strip();
  else if (command === "restore") restore();
  else {
    console.error("usage: node scripts/pack-manifest.mjs strip|restore");
    process.exitCode = 2;
  }
}
