// Writes the broken copies deploy/k8s/test feeds to the validator: each is the whole manifest file
// that holds our StatefulSet, with one fault in the StatefulSet (the other documents stay as they
// are, and must still pass). Prints `name<TAB>file<TAB>text the validator's output must contain`.
//
// Usage: node selftest-cases.mjs OUT_DIR MANIFEST...

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [outDir, ...manifests] = process.argv.slice(2);
let source = null;
for (const file of manifests) {
  const text = readFileSync(file, "utf8");
  const docs = parseAllDocuments(text, { version: "1.1" });
  const i = docs.findIndex((d) => d.get("kind") === "StatefulSet");
  if (i >= 0) {
    source = { file, text, index: i };
    break;
  }
}
if (source === null) {
  console.error("selftest-cases: no StatefulSet in " + manifests.join(" "));
  process.exit(2);
}

const container = ["spec", "template", "spec", "containers", 0];

/** name, a change to the StatefulSet document, what the validator must say about it */
const cases = [
  ["unknown-field", (d) => d.setIn([...container, "imagePullPolicyy"], "Never"), 'unknown field "imagePullPolicyy"'],
  ["wrong-type", (d) => d.setIn(["spec", "replicas"], "two"), "spec.replicas: must be integer"],
  ["nested-unknown-field", (d) => d.setIn([...container, "readinessProbe", "httpGet", "pathh"], "/x"), 'unknown field "pathh"'],
  ["env-value-not-string", (d) => d.setIn([...container, "env", 0, "value"], 5), "env[0].value: must be string"],
  ["unknown-kind", (d) => d.set("kind", "StatefulSett"), 'unknown kind "StatefulSett"'],
];

function rewrite(change) {
  const docs = parseAllDocuments(source.text, { version: "1.1" });
  change(docs[source.index]);
  return docs.map((d) => String(d)).join("");
}

for (const [name, change, expected] of cases) {
  const file = join(outDir, `${name}.yaml`);
  writeFileSync(file, rewrite(change));
  console.log(`${name}\t${file}\t${expected}`);
}

// a duplicate key: Kubernetes' strict decoding refuses it, YAML parsers may silently keep the last
const dup = join(outDir, "duplicate-key.yaml");
const docs = parseAllDocuments(source.text, { version: "1.1" });
const sts = String(docs[source.index]);
const withDup = sts.replace(/^(  replicas: .*)$/m, "$1\n  replicas: 3");
if (withDup === sts) {
  console.error("selftest-cases: no `  replicas:` line in the StatefulSet");
  process.exit(2);
}
docs[source.index] = withDup;
writeFileSync(dup, docs.map((d) => String(d)).join(""));
console.log(`duplicate-key\t${dup}\tMap keys must be unique`);
