#!/usr/bin/env node
// Build CaseTrack front-end assets into static/dist/ (offline after `npm ci`).
//   static/src/casetrack.scss  -> static/dist/casetrack.css (compressed)
//   govuk-frontend.min.js (+ .map)  -> static/dist/
//   accessible-autocomplete.min.js (+ .map) -> static/dist/ (its CSS is in casetrack.css)
//   static/src/person-picker.js -> static/dist/person-picker.js
//   static/src/favicon.svg     -> static/dist/favicon.svg
//   GOV.UK images referenced by the CSS -> static/dist/images/ (never fonts,
//   never crown/crest images: the build fails if the CSS references one)
//   Fingerprinted copies of the CSS, the JS and the favicon (name.<sha256 prefix>.ext), each
//   also precompressed (.br, .gz), and static/dist/manifest.json mapping each plain name to
//   its fingerprinted one: the app links to those and lets browsers cache them for a year.
//   static/dist/.built stamp, written last.
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = path.join(root, "node_modules");
const govukDist = path.join(nodeModules, "govuk-frontend", "dist", "govuk");
const srcDir = path.join(root, "static", "src");
const distDir = path.join(root, "static", "dist");
const ASSETS_URL = "/static/dist/"; // must match $govuk-assets-path in casetrack.scss
const FORBIDDEN_IMAGE = /crown|crest|govuk-icon|opengraph|favicon\.ico/i;

function rel(p) {
  return path.relative(root, p);
}

async function copy(from, to) {
  if (!existsSync(from)) throw new Error(`missing source file: ${rel(from)}`);
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(from, to);
  console.log(`copied   ${rel(from)} -> ${rel(to)}`);
}

function compileCss() {
  const warnings = [];
  const result = sass.compile(path.join(srcDir, "casetrack.scss"), {
    style: "compressed",
    loadPaths: [nodeModules],
    quietDeps: true, // silence deprecation warnings raised inside node_modules
    logger: {
      warn(message, { deprecation, span }) {
        const where = span ? ` (${span.url ? rel(fileURLToPath(span.url)) : "?"}:${span.start.line + 1})` : "";
        warnings.push(`${deprecation ? "DEPRECATION" : "WARNING"}${where}: ${message}`);
      },
      debug() {},
    },
  });
  for (const w of warnings) console.warn(w);
  return result.css;
}

function checkCss(css) {
  if (/GDS Transport/i.test(css)) throw new Error("compiled CSS mentions GDS Transport");
  if (/@font-face/i.test(css)) throw new Error("compiled CSS contains @font-face");
  const images = new Set();
  for (const m of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
    const url = m[1];
    if (url.startsWith("data:")) continue;
    if (!url.startsWith(`${ASSETS_URL}images/`)) {
      throw new Error(`unexpected url() in compiled CSS: ${url}`);
    }
    const name = url.slice(`${ASSETS_URL}images/`.length);
    if (FORBIDDEN_IMAGE.test(name)) throw new Error(`compiled CSS references a GOV.UK crown/crest image: ${url}`);
    images.add(name);
  }
  return [...images];
}

// Plain name -> fingerprinted name. The content hash changes whenever the file does, so a
// fingerprinted URL can be cached "immutable" and a new build is fetched at once.
const FINGERPRINTED = [
  "casetrack.css",
  "govuk-frontend.min.js",
  "favicon.svg",
  "accessible-autocomplete.min.js",
  "person-picker.js",
];

async function fingerprint(name) {
  const content = await readFile(path.join(distDir, name));
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const dot = name.indexOf(".");
  const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  await writeFile(path.join(distDir, hashed), content);
  await writeFile(
    path.join(distDir, `${hashed}.br`),
    brotliCompressSync(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  await writeFile(path.join(distDir, `${hashed}.gz`), gzipSync(content, { level: 9 }));
  console.log(`fingerprinted static/dist/${name} -> ${hashed} (+ .br, .gz)`);
  return hashed;
}

async function main() {
  await rm(distDir, { recursive: true, force: true });
  await mkdir(distDir, { recursive: true });

  const css = compileCss();
  const images = checkCss(css);
  await writeFile(path.join(distDir, "casetrack.css"), css);
  console.log(`compiled static/src/casetrack.scss -> static/dist/casetrack.css (${css.length} bytes)`);

  for (const name of images) {
    await copy(path.join(govukDist, "assets", "images", name), path.join(distDir, "images", name));
  }

  await copy(path.join(govukDist, "govuk-frontend.min.js"), path.join(distDir, "govuk-frontend.min.js"));
  await copy(path.join(govukDist, "govuk-frontend.min.js.map"), path.join(distDir, "govuk-frontend.min.js.map"));
  const autocomplete = path.join(nodeModules, "accessible-autocomplete", "dist");
  for (const name of ["accessible-autocomplete.min.js", "accessible-autocomplete.min.js.map"]) {
    await copy(path.join(autocomplete, name), path.join(distDir, name));
  }
  await copy(path.join(srcDir, "person-picker.js"), path.join(distDir, "person-picker.js"));
  await copy(path.join(srcDir, "favicon.svg"), path.join(distDir, "favicon.svg"));

  const manifest = {};
  for (const name of FINGERPRINTED) manifest[name] = await fingerprint(name);
  await writeFile(path.join(distDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log("wrote    static/dist/manifest.json");

  const pkg = JSON.parse(await readFile(path.join(nodeModules, "govuk-frontend", "package.json"), "utf8"));
  await writeFile(
    path.join(distDir, ".built"),
    `govuk-frontend ${pkg.version}\nsass ${sass.info.split("\n")[0]}\n`,
  );
  console.log("wrote    static/dist/.built");
}

main().catch((err) => {
  console.error(`build-assets: FAILED: ${err?.stack || err}`);
  process.exit(1);
});
