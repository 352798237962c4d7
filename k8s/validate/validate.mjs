// Validates Kubernetes objects against the JSON schemas that the kubernetes-models packages compile from the
// Kubernetes OpenAPI document (core kinds) and KEDA's CRDs. Input on stdin: a JSON array of objects. Output on
// stdout: a JSON array, one entry per object: {kind, name, result: "valid" | "invalid" | "no-schema", error}.
// These schemas check types, required fields and enums; like kubectl's client-side validation they let unknown
// fields through.
import { readFileSync } from "node:fs";

const packages = {
  "keda.sh": "@kubernetes-models/keda/keda.sh",
};

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (packages[group]) return `${packages[group]}/${version}/${kind}`;
  if (!group.includes(".") || group.endsWith(".k8s.io")) return `kubernetes-models/${group}/${version}/${kind}`;
  return null;
}

const objects = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const object of objects) {
  const entry = { kind: `${object.apiVersion}/${object.kind}`, name: object.metadata?.name ?? "" };
  const path = modulePath(object.apiVersion, object.kind);
  let Model = null;
  if (path !== null) {
    try {
      Model = (await import(path))[object.kind];
    } catch (e) {
      if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e;
    }
  }
  if (!Model) {
    results.push({ ...entry, result: "no-schema" });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ ...entry, result: "valid" });
  } catch (e) {
    results.push({ ...entry, result: "invalid", error: e.message });
  }
}
process.stdout.write(JSON.stringify(results, null, 1) + "\n");
