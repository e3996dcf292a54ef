// Reproducible build of torchdojo's offline browser assets.
//   cd web/frontend && npm ci && node build.mjs
// Outputs (committed) under src/torchdojo/web/static/vendor/.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const vendor = join(repo, "src", "torchdojo", "web", "static", "vendor");
const nm = join(here, "node_modules");
const katexDir = join(nm, "katex");
const katexOut = join(vendor, "katex");
const licOut = join(vendor, "LICENSES");

// Start from a clean slate for everything this script owns.
rmSync(join(vendor, "editor.js"), { force: true });
rmSync(katexOut, { recursive: true, force: true });
rmSync(licOut, { recursive: true, force: true });
mkdirSync(join(katexOut, "fonts"), { recursive: true });
mkdirSync(licOut, { recursive: true });

// 1. CodeMirror bundle (IIFE; editor.js assigns window.TorchdojoEditor).
const result = await build({
  entryPoints: [join(here, "editor.js")],
  outfile: join(vendor, "editor.js"),
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2020",
  sourcemap: false,
  legalComments: "none", // licences are shipped in vendor/LICENSES instead
  metafile: true,
  logLevel: "warning",
});

// 2. KaTeX: js, css, auto-render and woff2 fonts only (css keeps url(fonts/...)).
const kd = join(katexDir, "dist");
copyFileSync(join(kd, "katex.min.js"), join(katexOut, "katex.min.js"));
copyFileSync(join(kd, "katex.min.css"), join(katexOut, "katex.min.css"));
copyFileSync(join(kd, "contrib", "auto-render.min.js"), join(katexOut, "auto-render.min.js"));
for (const f of readdirSync(join(kd, "fonts")).sort()) {
  if (f.endsWith(".woff2")) copyFileSync(join(kd, "fonts", f), join(katexOut, "fonts", f));
}

// 3. Licences: katex, plus every npm package that ended up in the editor bundle
//    (codemirror, @codemirror/*, @lezer/*, style-mod, crelt, w3c-keyname, ...).
const pkgs = new Set(["katex"]);
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.replace(/\\/g, "/").match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) pkgs.add(m[1]);
}
const listing = [];
for (const name of [...pkgs].sort()) {
  const dir = join(nm, name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const lic = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!lic) throw new Error(`no LICENSE file found for ${name}`);
  const outName = name.replace(/^@/, "").replace("/", "-") + ".LICENSE";
  copyFileSync(join(dir, lic), join(licOut, outName));
  listing.push(`${name}@${meta.version}\t${meta.license}\t${outName}`);
}
writeFileSync(join(licOut, "PACKAGES.txt"), listing.join("\n") + "\n");

// Summary.
let total = 0;
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    const s = statSync(p);
    if (s.isDirectory()) walk(p);
    else total += s.size;
  }
};
walk(vendor);
const kb = (n) => (n / 1024).toFixed(1) + " KiB";
console.log(`editor.js: ${kb(statSync(join(vendor, "editor.js")).size)}`);
console.log(`vendor total: ${kb(total)} (${relative(repo, vendor)})`);
