import { escapeAttribute, escapeMarkup } from './escape-markup.js';

/** One step of the breadcrumb trail; the last one is the current page and is not a link. */
export interface Crumb {
  label: string;
  href?: string;
}

export interface PageInput {
  /** Text of `<title>` and of the page's heading; escaped here. */
  title: string;
  /** Trusted markup built by the render modules (every value in it already escaped). */
  body: string;
  crumbs?: Crumb[];
  /** Reload the page every so many seconds (the dashboard); absent for a saved report. */
  refreshSeconds?: number;
}

// No external fetch may ever happen: the page must work offline and from a file, and a policy that forbids
// scripts and remote loads also blunts any markup that escaping might have missed.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

// One stylesheet for the report and the dashboard. Colours are variables so that dark mode and the inline SVG
// charts (styled by class) follow the same palette.
const STYLE = `
:root{--bg:#f5f6f8;--fg:#1c2330;--muted:#5b6575;--card:#fff;--line:#dbe0e7;--ok:#1a7f37;--ok2:#4fa463;--warn:#b7791f;--bad:#c62828;--crit:#8b0000;--accent:#3356d1;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#11141a;--fg:#e3e7ee;--muted:#98a2b3;--card:#1a1f28;--line:#2d3441;--ok:#3fb950;--ok2:#2e8b45;--warn:#d29922;--bad:#f85149;--crit:#ff8a80;--accent:#7d9bff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
a{color:var(--accent)}
nav.crumbs{font-size:.9rem;color:var(--muted);margin-bottom:4px}
nav.crumbs span.sep{margin:0 6px}
h1{font-size:1.45rem;margin:0 0 14px;word-break:break-word}
h2{font-size:1.05rem;margin:0 0 10px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 14px}
.muted{color:var(--muted)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
tr:last-child td{border-bottom:0}
th{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nowrap{white-space:nowrap}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:.78rem;font-weight:700;border:1px solid currentColor;white-space:nowrap}
.LOW,.pass,.s100{color:var(--ok)}
.s85{color:var(--ok2)}
.MODERATE,.s40{color:var(--warn)}
.HIGH,.fail,.s0{color:var(--bad)}
.CRITICAL{color:var(--crit)}
.verdict{display:flex;flex-wrap:wrap;gap:14px 28px;align-items:flex-start}
.big{font-size:2.5rem;font-weight:800;line-height:1.05}
dl.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:8px 18px;margin:0;flex:1 1 320px}
dl.stats dt{font-size:.72rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
dl.stats dd{margin:0;font-weight:600;word-break:break-word}
ul.plain{margin:10px 0 0;padding-left:20px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:6px 0;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word;max-height:24em;overflow:auto}
details{border-top:1px solid var(--line);padding:8px 0}
details summary{cursor:pointer;font-weight:600}
.chart-wrap{overflow-x:auto}
svg.chart{display:block;width:100%;height:auto;min-width:600px}
svg text{fill:var(--fg);font-family:system-ui,sans-serif;font-size:12px}
svg text.dim{fill:var(--muted)}
svg .grid{stroke:var(--line);stroke-width:1}
svg .seg-created{fill:var(--line)}
svg .seg-starting{fill:var(--warn);opacity:.45}
svg .seg-s100{fill:var(--ok)}
svg .seg-s85{fill:var(--ok2)}
svg .seg-s40{fill:var(--warn)}
svg .seg-s0{fill:var(--bad)}
svg .exit{stroke:var(--bad);stroke-width:2}
svg .exit.completed{stroke:var(--ok)}
svg .edge{fill:none;stroke:var(--muted);stroke-width:1.2;opacity:.8}
svg .arrow{fill:var(--muted)}
svg .confidence{fill:none;stroke:var(--accent);stroke-width:2}
svg .stability{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:5 4}
svg .threshold{stroke:var(--bad);stroke-width:1.2;stroke-dasharray:3 3}
svg circle.point{stroke:var(--card);stroke-width:1.5}
svg circle.LOW{fill:var(--ok)} svg circle.MODERATE{fill:var(--warn)} svg circle.HIGH{fill:var(--bad)} svg circle.CRITICAL{fill:var(--crit)}
svg circle.current{fill:none;stroke:var(--fg);stroke-width:1.5}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:8px 0 0;font-size:.82rem;color:var(--muted)}
ul.legend i{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}
footer{color:var(--muted);font-size:.8rem;text-align:center;padding:8px 0 20px}
@media (max-width:640px){main{padding:8px}section{padding:10px}.big{font-size:2rem}th,td{padding:5px 4px}.wide{display:none}}
`;

function crumbs(list: Crumb[]): string {
  if (list.length === 0) return '';
  const items = list.map((c) =>
    c.href === undefined
      ? `<span>${escapeMarkup(c.label)}</span>`
      : `<a href="${escapeAttribute(c.href)}">${escapeMarkup(c.label)}</a>`,
  );
  return `<nav class="crumbs">${items.join('<span class="sep">›</span>')}</nav>`;
}

/**
 * Wraps trusted body markup in one self-contained, responsive HTML document (inline CSS, no script, a content
 * security policy that forbids every remote load); it is also well-formed XML, which the tests rely on.
 */
export function renderPage(input: PageInput): string {
  const refresh =
    input.refreshSeconds === undefined ? '' : `\n<meta http-equiv="refresh" content="${input.refreshSeconds}" />`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta http-equiv="Content-Security-Policy" content="${CSP}" />${refresh}
<title>${escapeMarkup(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${crumbs(input.crumbs ?? [])}
<h1>${escapeMarkup(input.title)}</h1>
${input.body}
</main>
<footer>Rehearsa</footer>
</body>
</html>
`;
}
