// Strict validation of Kubernetes manifests against the Kubernetes OpenAPI schema, offline.
//
// Every document of every file given is checked twice, both from the official OpenAPI spec:
//  - by kubernetes-models (JSON schemas compiled with ajv): types, integer formats, required
//    fields, int-or-string, ...;
//  - field by field against @kubernetes/client-node's models (generated from the same spec), so
//    that a field the API does not know fails (the schemas above allow unknown fields, as the API
//    server's non-strict decoding does; `kubectl apply` warns or fails on them, we fail).
// YAML is read as Kubernetes reads it: YAML 1.1 (yes/no/on/off are booleans), duplicate keys refused.
//
// Usage: node validate.mjs FILE...   (deploy/k8s/validate wraps it; see there)
// Prints one line per document, then `k8s validation: N documents, M errors`; exits 1 on any error.

import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

const API_VERSION = /^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** a.b[0].c from a list of keys and indices */
function render(path) {
  let out = "";
  for (const p of path) {
    out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  }
  return out === "" ? "(document)" : out;
}

function levenshtein(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length][b.length];
}

function suggestion(key, known) {
  let best = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const distance = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 4))
    ? ` (did you mean ${best}?)`
    : "";
}

/**
 * The client-node model of apiVersion/kind: V1StatefulSet for apps/v1 StatefulSet; models whose
 * name the code generator prefixed with the group (EventsV1Event) are found by their group.
 */
function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const v = version.charAt(0).toUpperCase() + version.slice(1);
  const g = group
    .split(".")[0]
    .replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());
  for (const name of [`${g}${v}${kind}`, `${v}${kind}`, `Core${v}${kind}`]) {
    const m = models[name];
    if (m && Array.isArray(m.attributeTypeMap)) return m;
  }
  return null;
}

/** Unknown fields (and values of the wrong shape to walk into), against the model's field list. */
function strictFields(value, type, path, errors) {
  if (value === null || value === undefined) return;
  type = type.trim();
  if (type.startsWith("Array<") && type.endsWith(">")) {
    if (!Array.isArray(value)) {
      errors.push(`${render(path)}: must be a list`);
      return;
    }
    const inner = type.slice("Array<".length, -1);
    value.forEach((v, i) => strictFields(v, inner, [...path, i], errors));
    return;
  }
  const map = /^\{ \[key: string\]: (.*); \}$/.exec(type);
  if (map) {
    if (!isObject(value)) {
      errors.push(`${render(path)}: must be a map`);
      return;
    }
    for (const [k, v] of Object.entries(value)) strictFields(v, map[1], [...path, k], errors);
    return;
  }
  const model = models[type];
  if (model && Array.isArray(model.attributeTypeMap)) {
    if (!isObject(value)) {
      errors.push(`${render(path)}: must be an object (${type})`);
      return;
    }
    const fields = new Map(model.attributeTypeMap.map((a) => [a.baseName, a]));
    for (const [k, v] of Object.entries(value)) {
      const field = fields.get(k);
      if (!field) {
        errors.push(
          `${render([...path, k])}: unknown field "${k}" in ${type}${suggestion(k, fields.keys())}`,
        );
        continue;
      }
      strictFields(v, field.type, [...path, k], errors);
    }
  }
  // string, number, boolean, Date, IntOrString, any: the JSON schema checks those
}

async function schemaErrors(apiVersion, kind, doc) {
  let module;
  try {
    module = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    return [`apiVersion: unknown apiVersion "${apiVersion}"`];
  }
  const Model = module[kind];
  if (typeof Model !== "function") {
    const kinds = Object.keys(module).filter((k) => KIND.test(k) && !k.endsWith("List"));
    return [`kind: unknown kind "${kind}" in ${apiVersion}${suggestion(kind, kinds)}`];
  }
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    return e.errors.map((err) => {
      const path = err.instancePath
        .split("/")
        .slice(1)
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
      const extra =
        err.keyword === "enum" && err.params?.allowedValues
          ? ` (${err.params.allowedValues.join(", ")})`
          : "";
      return `${render(path)}: ${err.message}${extra}`;
    });
  }
}

async function validateDocument(doc) {
  if (!isObject(doc)) return { name: "?", errors: ["(document): must be a mapping"] };
  const { apiVersion, kind } = doc;
  const name = `${typeof kind === "string" ? kind : "?"}/${doc.metadata?.name ?? "?"}`;
  if (typeof apiVersion !== "string" || !API_VERSION.test(apiVersion)) {
    return { name, errors: [`apiVersion: missing or malformed (${JSON.stringify(apiVersion)})`] };
  }
  if (typeof kind !== "string" || !KIND.test(kind)) {
    return { name, errors: [`kind: missing or malformed (${JSON.stringify(kind)})`] };
  }
  const errors = await schemaErrors(apiVersion, kind, doc);
  const model = modelOf(apiVersion, kind);
  if (model) {
    strictFields(doc, model.name, [], errors);
  } else if (errors.length === 0) {
    errors.push(`kind: no field list for ${apiVersion} ${kind}, cannot check for unknown fields`);
  }
  // the API server refuses an object without a name (every kind here is named, not generated)
  if (!isObject(doc.metadata) || typeof doc.metadata.name !== "string" || doc.metadata.name === "") {
    errors.push("metadata.name: required");
  }
  return { name, errors: [...new Set(errors)] };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: validate.mjs FILE...");
  process.exit(2);
}
let documents = 0;
let errorCount = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.log(`${file}: ERROR cannot read: ${e.message}`);
    documents++;
    errorCount++;
    continue;
  }
  const parsed = parseAllDocuments(text, { version: "1.1", uniqueKeys: true, prettyErrors: false });
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  let index = 0;
  for (const d of docs) {
    index++;
    if (d.errors.length > 0) {
      documents++;
      errorCount += d.errors.length;
      const messages = d.errors.map((e) => e.message.split("\n")[0]);
      console.log(`${file}#${index} ?: ERROR YAML: ${messages.join("; ")}`);
      continue;
    }
    const value = d.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // an empty document (a trailing ---)
    documents++;
    const { name, errors } = await validateDocument(value);
    errorCount += errors.length;
    console.log(`${file}#${index} ${name}: ${errors.length === 0 ? "ok" : `ERROR ${errors.join("; ")}`}`);
  }
  if (docs.length === 0 || docs.every((d) => d.contents === null)) {
    console.log(`${file}: ERROR no documents`);
    errorCount++;
  }
}
console.log(`k8s validation: ${documents} documents, ${errorCount} errors`);
process.exit(errorCount === 0 ? 0 : 1);
