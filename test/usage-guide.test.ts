/** docs/USAGE.md shows the files of examples/ verbatim (which `npm run typecheck` compiles), so the guide cannot rot. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const guide = readFileSync(path.join(ROOT, "docs", "USAGE.md"), "utf8");
const blocks = [...guide.matchAll(/<!-- file: (examples\/[\w.-]+) -->\n```\w+\n([\s\S]*?)```\n/g)].map((m) => ({ file: m[1]!, code: m[2]! }));

describe("the usage guide", () => {
  it("shows every example file, each exactly once", () => {
    const files = readdirSync(path.join(ROOT, "examples")).map((f) => `examples/${f}`).sort();
    expect(blocks.map((b) => b.file).sort()).toEqual(files);
  });

  it.each(blocks.map((b) => [b.file, b.code] as const))("shows %s exactly as it is in the repository", (file, code) => {
    expect(code).toBe(readFileSync(path.join(ROOT, file), "utf8"));
  });
});
