// Composes every test case under ../testdata/<case>/ : each <subgraph>.graphql
// file is one subgraph SDL (its name is the file name); the result is written
// to <case>/supergraph.graphql. Run: npm install && node compose.mjs [case...]
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "testdata");
const only = process.argv.slice(2);
let failed = false;
for (const c of readdirSync(root).sort()) {
  const dir = join(root, c);
  if (!statSync(dir).isDirectory() || (only.length && !only.includes(c))) continue;
  const services = readdirSync(dir)
    .filter((f) => f.endsWith(".graphql") && f !== "supergraph.graphql")
    .sort()
    .map((f) => {
      const name = f.slice(0, -".graphql".length);
      return { name, url: `http://${name}.invalid/graphql`, typeDefs: parse(readFileSync(join(dir, f), "utf8")) };
    });
  if (services.length === 0) continue;
  const result = composeServices(services);
  if (result.errors) {
    failed = true;
    console.error(`${c}: composition failed:\n  ` + result.errors.map((e) => e.message).join("\n  "));
    continue;
  }
  writeFileSync(join(dir, "supergraph.graphql"), result.supergraphSdl);
  console.log(`${c}: ${services.length} subgraphs composed`);
}
process.exit(failed ? 1 : 0);
