// axe-core checks: a page passes when axe finds no serious or critical violation.

import { AxeBuilder } from "@axe-core/playwright";
import assert from "node:assert/strict";

export async function assertAccessible(page, what) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad
    .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n")}`)
    .join("\n");
  const minor = result.violations
    .filter((v) => !bad.includes(v))
    .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  if (minor.length) console.log(`# axe on ${what}: minor findings: ${minor.join(", ")}`);
  assert.equal(bad.length, 0, `axe found serious or critical violations on ${what}:\n${report}`);
}
