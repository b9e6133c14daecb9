// Builds the stylesheet and copies the NHS.UK assets into build/static (git-ignored).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";

const out = "build/static";
mkdirSync(`${out}/css`, { recursive: true });
execFileSync(
  "node_modules/.bin/sass",
  ["--load-path=node_modules", "--style=compressed", "--quiet-deps", "--no-source-map",
   "assets/scss/app.scss", `${out}/css/app.css`],
  { stdio: "inherit" },
);
const dist = "node_modules/nhsuk-frontend/dist/nhsuk";
cpSync(`${dist}/assets`, `${out}/nhsuk/assets`, { recursive: true });
cpSync(`${dist}/nhsuk-frontend.min.js`, `${out}/nhsuk/nhsuk-frontend.min.js`);
console.log(`Built ${out}`);
