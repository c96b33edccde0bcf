// Checks the segstream Grafana dashboard without a Grafana. Run through ./check (which installs
// the npm packages first); see ./check --help.
//
// 1. Grafana's own schema. @grafana/schema (Apache-2.0) ships the dashboard v1 schema only as
//    TypeScript types generated from Grafana's CUE kind (dist/types/raw/dashboard/x/types.gen.d.ts);
//    no npm package we found ships it as JSON Schema. So ts-json-schema-generator turns the
//    `Dashboard` type into a JSON Schema on each run, with additionalProperties false wherever the
//    type lists its properties (a field Grafana's type does not know is an error), and ajv
//    validates the dashboard against it. That schema leaves panel targets and options open
//    (Record<string, unknown>), hence 2.
// 2. Our own stricter schema of the subset we use (SUBSET_SCHEMA below, written here, not
//    Grafana's): rows and query panels with id/type/title/gridPos/datasource, Prometheus targets
//    with refId/expr and nothing unknown, the datasource variable. Plus what no schema says:
//    unique panel ids and refIds, the 24-column grid without overlaps, known variables only.
// 3. Every target's PromQL, Grafana variables replaced (see substitute()), becomes one recording
//    rule in a rules file, and `promtool check rules` must accept it: every expression parses.
//    The variables' label_values() queries are checked the same way.
// 4. `promtool check config` on deploy/prometheus/prometheus.yml, and the provisioning files
//    parse and agree with the dashboard (datasource uid, provider path).
// 5. --metrics FILE: `promtool check metrics < FILE`, its findings reported; then every query is
//    evaluated offline (promtool test rules) against FILE's series, as if scraped every 5 s for
//    2 minutes (counters rising by 1 a scrape, plus up = 1), and the queries that return nothing
//    are listed. Reported, not counted as problems, unless --strict-metrics: then the queries
//    without data and promtool's findings on segstream_* metrics count (not those on the Kafka
//    clients' own metrics, which are not ours to rename).
// 6. --prometheus URL: every query against a live Prometheus (/api/v1/query); one that fails
//    or returns no series is a problem, named by panel title.
//
// The last line is always `dashboard check: N panels, M queries, K problems` (N: panels other
// than rows; M: panel targets); the exit status is 1 when K > 0, 2 on bad usage.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { createGenerator } from "ts-json-schema-generator";
import YAML from "yaml";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEPLOY = path.dirname(HERE);

const USAGE = `usage: deploy/grafana/check [options]
  --dashboard FILE     dashboard JSON (default: deploy/grafana/segstream.json)
  --prometheus URL     also run every query against this Prometheus; no data is a problem
  --metrics FILE       run \`promtool check metrics < FILE\` and evaluate the queries offline
                       against FILE's series; findings are reported, not counted...
  --strict-metrics     ...unless this is given
  --var NAME=VALUE     value of a dashboard variable for the checks (repeatable); defaults:
                       each variable's current value, .* for "All", __rate_interval=1m,
                       __interval=15s, __range=1h
  --rules-out FILE     keep the generated rules file
  --promtool PATH      promtool to use (default: promtool on PATH)
  -h, --help`;

// ---------------------------------------------------------------- arguments

const opts = { dashboard: path.join(HERE, "segstream.json"), vars: {}, promtool: "promtool" };
{
  const argv = process.argv.slice(2);
  const need = (i) => {
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (a === "--dashboard") opts.dashboard = need(i++);
    else if (a === "--prometheus") opts.prometheus = need(i++).replace(/\/+$/, "");
    else if (a === "--metrics") opts.metrics = need(i++);
    else if (a === "--strict-metrics") opts.strictMetrics = true;
    else if (a === "--rules-out") opts.rulesOut = need(i++);
    else if (a === "--promtool") opts.promtool = need(i++);
    else if (a === "--var") {
      const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(need(i++));
      if (!m) usage("--var wants NAME=VALUE");
      opts.vars[m[1]] = m[2];
    } else usage(`unknown argument ${a}`);
  }
}

function usage(msg) {
  console.error(`check: ${msg}\n${USAGE}`);
  process.exit(2);
}

// ---------------------------------------------------------------- reporting

let problems = 0;
function problem(msg) {
  problems++;
  console.log(`PROBLEM: ${msg}`);
}
function info(msg) {
  console.log(msg);
}
function indent(text, prefix = "    ") {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

// ---------------------------------------------------------------- load

let dash;
try {
  dash = JSON.parse(fs.readFileSync(opts.dashboard, "utf8"));
} catch (e) {
  problem(`${opts.dashboard}: ${e.message}`);
  finish(0, 0);
}
// a path as said from the repository's root, when it is inside it
const REPO = path.dirname(DEPLOY);
const rel = (p) => {
  const r = path.relative(REPO, path.resolve(p));
  return r.startsWith("..") ? path.resolve(p) : r;
};

// all panels, rows' nested panels included
const allPanels = [];
for (const p of dash.panels || []) {
  allPanels.push(p);
  for (const q of p.panels || []) allPanels.push(q);
}
const queryPanels = allPanels.filter((p) => p.type !== "row");

// ---------------------------------------------------------------- 1. Grafana's schema

const SCHEMA_PKG = "@grafana/schema";
const schemaPkgDir = path.join(HERE, "node_modules", SCHEMA_PKG);
const schemaVersion = JSON.parse(fs.readFileSync(path.join(schemaPkgDir, "package.json"), "utf8")).version;
const grafanaSchema = createGenerator({
  path: path.join(schemaPkgDir, "dist/types/raw/dashboard/x/types.gen.d.ts"),
  type: "Dashboard",
  skipTypeCheck: true,
  additionalProperties: false,
  expose: "all",
  topRef: true,
}).createSchema("Dashboard");
// panels are `Panel | RowPanel`: an anyOf whose errors, for one bad panel, list both branches.
// Grafana tells them apart by type, and so does this (no panel is accepted that anyOf refused).
{
  const items = grafanaSchema.definitions?.Dashboard?.properties?.panels?.items;
  const refs = (items?.anyOf || []).map((s) => s.$ref);
  if (refs.length !== 2 || !refs.includes("#/definitions/Panel") || !refs.includes("#/definitions/RowPanel"))
    problem(`${SCHEMA_PKG} ${schemaVersion}: Dashboard.panels is not Panel | RowPanel; update check.mjs`);
  else
    grafanaSchema.definitions.Dashboard.properties.panels.items = {
      if: { type: "object", required: ["type"], properties: { type: { const: "row" } } },
      then: { $ref: "#/definitions/RowPanel" },
      else: { $ref: "#/definitions/Panel" },
    };
}

function validate(schema, name) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const ok = ajv.validate(schema, dash);
  if (ok) {
    info(`${name}: valid`);
    return;
  }
  // anyOf (panel or row) reports every branch; one line per place is enough
  const byPath = new Map();
  for (const e of ajv.errors) {
    const where = e.instancePath || "/";
    const what = e.params?.additionalProperty
      ? `${e.message} (${e.params.additionalProperty})`
      : e.params?.allowedValues
        ? `${e.message} ${JSON.stringify(e.params.allowedValues)}`
        : e.message;
    if (!byPath.has(where)) byPath.set(where, new Set());
    byPath.get(where).add(what);
  }
  for (const [where, whats] of byPath) {
    whats.delete('must match "then" schema');
    whats.delete('must match "else" schema');
    if (whats.size) problem(`${name}: ${where} ${describe(where)}: ${[...whats].join("; ")}`);
  }
}

// "/panels/3/targets/0" -> the panel's title, to find it
function describe(pointer) {
  const m = /^\/panels\/(\d+)(?:\/panels\/(\d+))?/.exec(pointer);
  if (!m) return "";
  let p = dash.panels?.[+m[1]];
  if (m[2] !== undefined) p = p?.panels?.[+m[2]];
  return p ? `(panel "${p.title}")` : "";
}

validate(grafanaSchema, `schema (Grafana's Dashboard type, ${SCHEMA_PKG} ${schemaVersion})`);

// ---------------------------------------------------------------- 2. our subset

const DS_REF = { type: "object", additionalProperties: false, required: ["type", "uid"],
  properties: { type: { const: "prometheus" }, uid: { const: "${datasource}" } } };
const GRID = { type: "object", additionalProperties: false, required: ["h", "w", "x", "y"],
  properties: {
    h: { type: "integer", minimum: 1 },
    w: { type: "integer", minimum: 1, maximum: 24 },
    x: { type: "integer", minimum: 0, maximum: 23 },
    y: { type: "integer", minimum: 0 },
  } };
const TARGET = { type: "object", additionalProperties: false, required: ["refId", "expr", "datasource"],
  properties: {
    datasource: DS_REF,
    refId: { type: "string", pattern: "^[A-Z]$" },
    expr: { type: "string", minLength: 1 },
    legendFormat: { type: "string" },
    range: { type: "boolean" },
    instant: { type: "boolean" },
    format: { enum: ["time_series", "table", "heatmap"] },
    interval: { type: "string" },
    editorMode: { enum: ["code", "builder"] },
    exemplar: { type: "boolean" },
    hide: { type: "boolean" },
  } };
const QUERY_PANEL = { type: "object",
  required: ["id", "type", "title", "gridPos", "datasource", "targets", "fieldConfig", "options"],
  properties: {
    id: { type: "integer", minimum: 1 },
    type: { enum: ["timeseries", "stat", "bargauge", "gauge", "table", "state-timeline"] },
    title: { type: "string", minLength: 1 },
    description: { type: "string" },
    gridPos: GRID,
    datasource: DS_REF,
    targets: { type: "array", minItems: 1, items: TARGET },
  } };
const ROW_PANEL = { type: "object", additionalProperties: false,
  required: ["id", "type", "title", "gridPos", "collapsed", "panels"],
  properties: {
    id: { type: "integer", minimum: 1 },
    type: { const: "row" },
    title: { type: "string", minLength: 1 },
    gridPos: GRID,
    collapsed: { type: "boolean" },
    panels: { type: "array", items: QUERY_PANEL },
  } };
const VARIABLE = { type: "object", required: ["type", "name"],
  properties: {
    name: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
    type: { enum: ["datasource", "query", "custom", "constant", "interval"] },
  } };
const SUBSET_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  required: ["uid", "title", "schemaVersion", "panels", "templating", "time"],
  properties: {
    uid: { type: "string", pattern: "^[A-Za-z0-9_-]{1,40}$" },
    title: { type: "string", minLength: 1 },
    schemaVersion: { type: "integer", minimum: 36 },
    panels: { type: "array", minItems: 1,
      items: { if: { properties: { type: { const: "row" } } }, then: ROW_PANEL, else: QUERY_PANEL } },
    templating: { type: "object", additionalProperties: false, required: ["list"],
      properties: { list: { type: "array", items: VARIABLE,
        contains: { properties: { type: { const: "datasource" }, name: { const: "datasource" },
          query: { const: "prometheus" } }, required: ["type", "name", "query", "current"] } } } },
  },
};
validate(SUBSET_SCHEMA, "schema (our subset, deploy/grafana/check.mjs)");

// a panel's gridPos when it is whole numbers (the schemas report it otherwise)
function grid(p) {
  const g = p.gridPos;
  return g && ["h", "w", "x", "y"].every((k) => Number.isInteger(g[k])) ? g : undefined;
}

// what no schema says
{
  const ids = new Map();
  for (const p of allPanels) {
    if (ids.has(p.id)) problem(`panel id ${p.id} used by "${ids.get(p.id)}" and "${p.title}"`);
    ids.set(p.id, p.title);
    const refs = new Set();
    for (const t of p.targets || []) {
      if (refs.has(t.refId)) problem(`panel "${p.title}": refId ${t.refId} twice`);
      refs.add(t.refId);
    }
    const g = grid(p);
    if (g && g.x + g.w > 24) problem(`panel "${p.title}": gridPos x ${g.x} + w ${g.w} > 24`);
  }
  // every panel's cells; a row's nested panels only show when it is expanded: not checked
  const cells = new Map();
  const reported = new Set();
  for (const p of dash.panels || []) {
    const g = grid(p);
    if (!g) continue;
    for (let y = g.y; y < g.y + g.h; y++)
      for (let x = g.x; x < Math.min(24, g.x + g.w); x++) {
        const k = `${x},${y}`;
        const other = cells.get(k);
        if (other === undefined) cells.set(k, p);
        else if (!reported.has(`${other.id}/${p.id}`)) {
          reported.add(`${other.id}/${p.id}`);
          problem(`panels "${other.title}" and "${p.title}" overlap (first at x ${x}, y ${y})`);
        }
      }
  }
  info(`layout: ${allPanels.length} panels (${queryPanels.length} with queries), ids, refIds and grid checked`);
}

// ---------------------------------------------------------------- queries and variables

const BUILTIN = { __rate_interval: "1m", __interval: "15s", __range: "1h", __range_s: "3600", __interval_ms: "15000" };
const variables = new Map((dash.templating?.list || []).map((v) => [v.name, v]));

function valueOf(name) {
  if (name in opts.vars) return opts.vars[name];
  if (name in BUILTIN) return BUILTIN[name];
  const v = variables.get(name);
  if (!v) return undefined;
  const cur = v.current?.value;
  const list = Array.isArray(cur) ? cur : cur === undefined ? [] : [cur];
  if (list.includes("$__all") || (list.length === 0 && v.includeAll)) return v.allValue ?? ".*";
  if (list.length === 1) return list[0];
  return `(${list.join("|")})`;
}

// Grafana's $name, ${name}, ${name:format} and [[name]]
function substitute(expr, where) {
  return expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (all, a, b, c) => {
    const name = a || b || c;
    const value = valueOf(name);
    if (value === undefined) {
      problem(`${where}: unknown variable $${name}`);
      return all;
    }
    return value;
  });
}

const queries = []; // { record, title, refId, raw, expr, panel: bool }
for (const p of queryPanels) {
  for (const t of p.targets || []) {
    if (typeof t.expr !== "string") continue;
    const where = `panel "${p.title}" ${t.refId}`;
    queries.push({ record: `segstream_dashboard:panel_${p.id}_${t.refId}`, title: p.title, refId: t.refId,
      where, raw: t.expr, expr: substitute(t.expr, where), panel: true });
  }
}
let variableQueries = 0;
for (const v of variables.values()) {
  if (v.type !== "query") continue;
  const q = typeof v.query === "string" ? v.query : v.query?.query;
  const where = `variable "${v.name}"`;
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$/s.exec(q || "");
  if (!m) {
    problem(`${where}: only label_values(selector, label) queries are checked, not ${JSON.stringify(q)}`);
    continue;
  }
  variableQueries++;
  queries.push({ record: `segstream_dashboard:variable_${v.name}`, title: `variable ${v.name}`, refId: "",
    where, raw: q, expr: substitute(`count by (${m[2]}) (${m[1]})`, where), panel: false });
}
const panelQueries = queries.filter((q) => q.panel).length;

// ---------------------------------------------------------------- 3. promtool check rules

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "segstream-dashboard-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function promtool(args, input) {
  const r = spawnSync(opts.promtool, args, { input, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) return { missing: r.error.code === "ENOENT", status: -1, out: String(r.error.message) };
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const rules = {
  groups: [{
    name: "segstream-dashboard",
    rules: queries.map((q) => ({ record: q.record, expr: q.expr, labels: { source: q.where.replace(/"/g, "'") } })),
  }],
};
const rulesFile = opts.rulesOut || path.join(tmp, "dashboard.rules.yml");
fs.writeFileSync(rulesFile, `# generated from ${rel(opts.dashboard)} by deploy/grafana/check\n${YAML.stringify(rules, { lineWidth: 0 })}`);

const byRecord = new Map(queries.map((q) => [q.record, q]));
let havePromtool = true;
{
  const r = promtool(["check", "rules", "--lint=none", rulesFile]);
  if (r.missing) {
    havePromtool = false;
    problem(`promtool not found (${opts.promtool}); on Debian: apt-get install prometheus`);
  } else if (r.status === 0) {
    info(`promtool check rules: ${queries.length} expressions parse (${panelQueries} panel targets, ${variableQueries} variable queries)`);
  } else {
    let named = 0;
    for (const line of r.out.split("\n")) {
      const m = /"(segstream_dashboard:[\w:]+)": (.*)$/.exec(line);
      if (!m) continue;
      named++;
      const q = byRecord.get(m[1]);
      problem(`${q.where}: ${m[2]}\n    expr: ${q.expr}`);
    }
    if (!named) problem(`promtool check rules failed:\n${indent(r.out)}`);
  }
}

// ---------------------------------------------------------------- 4. Prometheus config, provisioning

if (havePromtool) {
  const cfg = path.join(DEPLOY, "prometheus", "prometheus.yml");
  const r = promtool(["check", "config", cfg]);
  if (r.status === 0) info(`promtool check config ${rel(cfg)}: valid`);
  else problem(`promtool check config ${rel(cfg)}:\n${indent(r.out)}`);
}
{
  const dsFile = path.join(HERE, "provisioning", "datasources", "prometheus.yml");
  const dbFile = path.join(HERE, "provisioning", "dashboards", "segstream.yml");
  try {
    const ds = YAML.parse(fs.readFileSync(dsFile, "utf8"));
    const want = variables.get("datasource")?.current?.value;
    const prom = (ds?.datasources || []).find((d) => d.type === "prometheus");
    if (ds?.apiVersion !== 1) problem(`${rel(dsFile)}: apiVersion is not 1`);
    if (!prom) problem(`${rel(dsFile)}: no prometheus data source`);
    else if (prom.uid !== want) problem(`${rel(dsFile)}: uid ${prom.uid}, but the dashboard's datasource variable defaults to ${want}`);
    else if (!/^https?:\/\//.test(prom.url || "")) problem(`${rel(dsFile)}: url ${prom.url}`);
    const db = YAML.parse(fs.readFileSync(dbFile, "utf8"));
    const file = (db?.providers || []).find((p) => p.type === "file");
    if (db?.apiVersion !== 1) problem(`${rel(dbFile)}: apiVersion is not 1`);
    if (!file?.options?.path?.startsWith("/")) problem(`${rel(dbFile)}: no file provider with an absolute options.path`);
    if (prom && file) info(`provisioning: data source uid ${prom.uid} at ${prom.url}; dashboards from ${file.options.path}`);
  } catch (e) {
    problem(`provisioning: ${e.message}`);
  }
}

// ---------------------------------------------------------------- 5. --metrics FILE

if (opts.metrics && havePromtool) await checkMetrics(opts.metrics);

async function checkMetrics(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    problem(`--metrics: ${e.message}`);
    return;
  }
  const finding = (msg) => (opts.strictMetrics ? problem(msg) : info(`  finding: ${msg}`));

  // promtool's lint; exit 3 means lint findings only, anything else but 0 an unreadable file
  const r = promtool(["check", "metrics"], text);
  const lines = r.out.split("\n").map((l) => l.trim()).filter(Boolean);
  if (r.status !== 0 && r.status !== 3) {
    problem(`promtool check metrics < ${file}: exit ${r.status}\n${indent(r.out)}`);
    return;
  }
  info(`promtool check metrics < ${file}: ${lines.length} findings${lines.length ? ":" : ""}`);
  const ours = lines.filter((l) => l.startsWith("segstream_"));
  for (const l of ours) finding(`promtool: ${l}`);
  for (const l of lines.filter((l) => !l.startsWith("segstream_"))) info(`  promtool: ${l}`);
  info(`  of which about segstream_* metrics: ${ours.length}`);

  // offline: the file's series, scraped every 5 s for 2 minutes (counters +1 a scrape), then
  // absent(<query>) must be empty for every query
  const series = parseExposition(text);
  const tests = {
    rule_files: [],
    evaluation_interval: "5s",
    tests: [{
      name: `queries against ${path.basename(file)}`,
      interval: "5s",
      input_series: series.map((s) => ({ series: s.series, values: s.values })),
      promql_expr_test: queries.map((q) => ({ expr: `absent(${q.expr})`, eval_time: "2m", exp_samples: [] })),
    }],
  };
  const testFile = path.join(tmp, "offline.test.yml");
  fs.writeFileSync(testFile, YAML.stringify(tests, { lineWidth: 0 }));
  const t = promtool(["test", "rules", testFile]);
  if (t.status === 0) {
    info(`offline evaluation against ${file} (${series.length} series): every query returns data`);
    return;
  }
  const failed = new Set();
  for (const m of t.out.matchAll(/expr: "absent\((.*)\)", time:/g)) failed.add(JSON.parse(`"${m[1]}"`));
  if (!failed.size) {
    problem(`promtool test rules (offline evaluation) failed:\n${indent(t.out)}`);
    return;
  }
  const empty = queries.filter((q) => failed.has(q.expr));
  info(`offline evaluation against ${file} (${series.length} series): ${empty.length} of ${queries.length} queries return nothing:`);
  for (const q of empty) finding(`no data in ${path.basename(file)}: ${q.where}: ${q.raw}`);
}

// Prometheus text format -> promtool series notation; adds job and instance as a scrape would
function parseExposition(text) {
  const types = new Map();
  const out = [];
  const job = valueOf("job") && valueOf("job") !== ".*" ? valueOf("job") : "segstream";
  const INSTANCE = "sample:8080";
  // the series Prometheus adds to each scrape
  out.push({ series: `up{job="${job}",instance="${INSTANCE}"}`, values: "1+0x24" });
  for (const line of text.split("\n")) {
    const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (t) types.set(t[1], t[2]);
    if (!line.trim() || line.startsWith("#")) continue;
    const m = /^([A-Za-z_:][\w:]*)(\{.*\})?\s+(\S+)(\s+\d+)?\s*$/.exec(line);
    if (!m) continue;
    const [, name, labels = "{}", value] = m;
    const base = name.replace(/_(bucket|count|sum|total|created)$/, "");
    const type = types.get(name) || types.get(base) || "untyped";
    const counter = type === "counter" || ((type === "histogram" || type === "summary") && name !== base);
    const v = value === "+Inf" ? "Inf" : value === "-Inf" ? "-Inf" : value;
    const inner = labels.slice(1, -1).trim().replace(/,\s*$/, "");
    const extra = `job="${job}",instance="${INSTANCE}"`;
    out.push({
      series: `${name}{${inner ? `${inner},` : ""}${extra}}`,
      values: /^[+-]?(Inf|NaN)$/i.test(v) ? `${v} `.repeat(25).trim() : `${v}+${counter ? 1 : 0}x24`,
    });
  }
  return out;
}

// ---------------------------------------------------------------- 6. --prometheus URL

if (opts.prometheus) await checkLive(opts.prometheus);

async function checkLive(url) {
  let answered = 0;
  for (const q of queries) {
    const u = `${url}/api/v1/query?query=${encodeURIComponent(q.expr)}`;
    let body;
    try {
      const res = await fetch(u, { signal: AbortSignal.timeout(10000) });
      body = await res.json().catch(() => ({ status: "error", error: `HTTP ${res.status}` }));
    } catch (e) {
      // unreachable: one problem, not one a query
      problem(`${url} does not answer (${e.cause?.message || e.message}); live queries not run`);
      return;
    }
    if (body.status !== "success") {
      problem(`${q.where}: ${body.errorType || "error"}: ${body.error}\n    expr: ${q.expr}`);
      continue;
    }
    const { resultType, result } = body.data;
    const values = resultType === "scalar" ? [result] : result.map((r) => r.value);
    if (!values.length) {
      problem(`no data: ${q.where}\n    expr: ${q.expr}`);
    } else {
      answered++;
      if (values.every((v) => v[1] === "NaN"))
        info(`  note: ${q.where}: only NaN (e.g. a ratio of rates with nothing yet); counted as data`);
    }
  }
  info(`live queries against ${url}: ${answered} of ${queries.length} return data`);
}

// ---------------------------------------------------------------- done

finish(queryPanels.length, panelQueries);

function finish(nPanels, nQueries) {
  console.log(`dashboard check: ${nPanels} panels, ${nQueries} queries, ${problems} problems`);
  process.exit(problems ? 1 : 0);
}
