import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, canonicalAuditRow, canonicalJson, chainHash, type ChainedFields } from "./canonical";

const row: ChainedFields = {
  seq: 7,
  createdAt: new Date("2026-03-04T05:06:07.089Z"),
  action: "user.role",
  actorId: "0b6a3c1e-1d2f-4a5b-8c9d-0e1f2a3b4c5d",
  actorEmail: "ada@example.com",
  actorName: "Ada",
  actorRole: "admin",
  subjectId: null,
  subjectEmail: null,
  subjectName: null,
  subjectRole: null,
  reason: 'ticket "42"\n',
  metadataJson: '{"role": "support", "a": [1.50, 1e-7]}',
  ip: "127.0.0.1",
  userAgent: null,
};

describe("canonical audit content", () => {
  it("is a JSON array of the fields in a fixed order, with the version first", () => {
    expect(canonicalAuditRow(row)).toBe(
      '["audit-v1",7,"2026-03-04T05:06:07.089Z","user.role","0b6a3c1e-1d2f-4a5b-8c9d-0e1f2a3b4c5d","ada@example.com","Ada","admin",null,null,null,null,"ticket \\"42\\"\\n",{"a":[1.50,1e-7],"role":"support"},"127.0.0.1",null]',
    );
  });

  it("changes when any single field changes", () => {
    const base = canonicalAuditRow(row);
    for (const [key, value] of Object.entries({ seq: 8, action: "user.ban", actorName: "Eve", reason: null, metadataJson: '{"role": "admin"}', ip: "10.0.0.1" })) {
      expect(canonicalAuditRow({ ...row, [key]: value })).not.toBe(base);
    }
  });

  it("sorts object keys by code point and keeps numbers exactly as written", () => {
    expect(canonicalJson('{"b": {"z": 1, "a": 2}, "a": 0.10, "B": [true, null, "x"]}')).toBe('{"B":[true,null,"x"],"a":0.10,"b":{"a":2,"z":1}}');
    expect(canonicalJson('{"é": 1, "z": 2, "😀": 3, "\uffff": 4}')).toBe('{"z":2,"é":1,"\uffff":4,"😀":3}');
  });

  it("refuses malformed JSON instead of hashing a guess", () => {
    for (const bad of ["{", '{"a" 1}', "[1,]", "01", '"open', "1 2"]) expect(() => canonicalJson(bad)).toThrow(/malformed JSON/);
  });

  it("hashes SHA-256 over the previous hash's hex followed by the canonical text", () => {
    const canonical = canonicalAuditRow(row);
    expect(chainHash(GENESIS_HASH, canonical)).toBe(createHash("sha256").update(GENESIS_HASH + canonical).digest("hex"));
    expect(chainHash("1".repeat(64), canonical)).not.toBe(chainHash(GENESIS_HASH, canonical));
  });
});
