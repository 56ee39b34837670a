/**
 * Reasons and tickets at the service level (PGlite): a reason shorter than the configured minimum or
 * longer than 500 characters, and a ticket over 100, are refused with their own codes and audited; an
 * accepted reason is stored whole, never cut.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "@/lib/audit/audit";
import { checkReasonAndTicket, MAX_REASON_LENGTH, MAX_TICKET_LENGTH } from "@/lib/impersonation/limits";
import { startImpersonation } from "@/lib/impersonation/service";
import { createTestRuntime, testConfig, type TestRuntime } from "../support/runtime";
import { createUser } from "../support/fixtures";
import { signedIn } from "./setup";

describe("checkReasonAndTicket", () => {
  it("accepts a reason of exactly the minimum and of exactly the maximum length", () => {
    expect(checkReasonAndTicket("x".repeat(10), null, 10)).toBeNull();
    expect(checkReasonAndTicket("x".repeat(MAX_REASON_LENGTH), "T".repeat(MAX_TICKET_LENGTH), 10)).toBeNull();
  });

  it("refuses a reason one short of the minimum, one over the maximum, and a ticket one over its maximum", () => {
    expect(checkReasonAndTicket("x".repeat(9), null, 10)).toBe("REASON_TOO_SHORT");
    expect(checkReasonAndTicket("x".repeat(MAX_REASON_LENGTH + 1), null, 10)).toBe("REASON_TOO_LONG");
    expect(checkReasonAndTicket("x".repeat(10), "T".repeat(MAX_TICKET_LENGTH + 1), 10)).toBe("TICKET_TOO_LONG");
    expect(checkReasonAndTicket(null, null, 10)).toBe("REASON_REQUIRED");
  });

  it("counts characters as people do: ten emoji are ten characters, not twenty code units", () => {
    expect(checkReasonAndTicket("😀".repeat(10), null, 10)).toBeNull();
    expect(checkReasonAndTicket("😀".repeat(9), null, 10)).toBe("REASON_TOO_SHORT");
  });
});

describe("IMPERSONATION_REASON_MIN", () => {
  it("defaults to 10 and takes a configured value", () => {
    expect(testConfig().impersonation.reasonMinLength).toBe(10);
    expect(testConfig({ IMPERSONATION_REASON_MIN: "25" }).impersonation.reasonMinLength).toBe(25);
  });

  it("refuses 0 and a minimum above the 500-character maximum at startup", () => {
    expect(() => testConfig({ IMPERSONATION_REASON_MIN: "0" })).toThrow(/IMPERSONATION_REASON_MIN/);
    expect(() => testConfig({ IMPERSONATION_REASON_MIN: "501" })).toThrow(/IMPERSONATION_REASON_MIN/);
  });
});

describe("startImpersonation reason and ticket limits on PGlite", () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ backend: "pglite" });
  });
  afterAll(async () => rt?.dispose());

  async function attempt(reason: string, ticket?: string, reasonMinLength?: number) {
    const admin = await signedIn(rt, "admin");
    const target = await createUser(rt.database.db, { role: "user" });
    const deps = reasonMinLength === undefined ? rt.impersonation : { ...rt.impersonation, reasonMinLength };
    const result = await startImpersonation(deps, { context: admin.context, targetId: target.id, reason, ticket, metadata: {} });
    const events = await listAuditEvents(rt.database.db, { subjectId: target.id });
    return { result, events: events.items };
  }

  it("refuses a 9-character reason with REASON_TOO_SHORT, says the minimum, and audits the refusal", async () => {
    const { result, events } = await attempt("too short");
    expect(result).toMatchObject({ ok: false, code: "REASON_TOO_SHORT", details: { minLength: 10 } });
    expect(!result.ok && result.message).toMatch(/at least 10 characters/);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "impersonation.denied", reason: "too short", metadata: { code: "REASON_TOO_SHORT" } });
  });

  it("accepts a 10-character reason", async () => {
    const { result, events } = await attempt("ten chars!");
    expect(result.ok).toBe(true);
    expect(events.map((e) => e.action)).toEqual(["impersonation.start"]);
  });

  it("follows a configured minimum: 25 refuses what 10 accepts", async () => {
    expect((await attempt("a reason of 20 chars", undefined, 25)).result).toMatchObject({ ok: false, code: "REASON_TOO_SHORT" });
    expect((await attempt("a reason of 20 chars", undefined, 10)).result.ok).toBe(true);
  });

  it("refuses a 501-character reason instead of cutting it to 500, and accepts 500 whole", async () => {
    const refused = await attempt(`${"r".repeat(500)}!`);
    expect(refused.result).toMatchObject({ ok: false, code: "REASON_TOO_LONG" });
    const accepted = await attempt(`${"r".repeat(499)}!`);
    expect(accepted.result.ok).toBe(true);
    expect(accepted.events[0]!.reason).toBe(`${"r".repeat(499)}!`);
  });

  it("refuses a 101-character ticket instead of cutting it, and stores a 100-character one whole", async () => {
    expect((await attempt("A proper reason here", "T".repeat(101))).result).toMatchObject({ ok: false, code: "TICKET_TOO_LONG" });
    const accepted = await attempt("A proper reason here", "T".repeat(100));
    expect(accepted.result.ok).toBe(true);
    expect(accepted.events[0]!.metadata).toMatchObject({ ticket: "T".repeat(100) });
  });
});
