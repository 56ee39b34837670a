import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, IMPERSONATION_END_CAUSES, type AuditAction } from "../audit/actions";
import { describeActor, durationBetween, modeOf, noticesFor, type NoticeSourceEvent } from "./impersonation-notice";

const ADMIN = "00000000-0000-4000-8000-000000000001";
const USER = "00000000-0000-4000-8000-000000000002";
const event = (action: AuditAction, metadata: Record<string, unknown> | null = null): NoticeSourceEvent => ({ action, actorId: ADMIN, subjectId: USER, reason: "Invoice ticket 42", metadata });

describe("noticesFor", () => {
  it("a start tells the impersonated user, with the reason, the mode and the time limit", () => {
    expect(noticesFor(event("impersonation.start", { ttlS: 3600 }), "always")).toEqual([
      { userId: USER, actorId: ADMIN, kind: "impersonation_started", mode: "read", reason: "Invoice ticket 42", cause: null, startedAt: null, limitS: 3600 },
    ]);
  });

  it.each(Object.entries(IMPERSONATION_END_CAUSES))("every ending tells the user: %s", (action, cause) => {
    const [notice] = noticesFor(event(action as AuditAction, { startedAt: "2026-01-01T00:00:00.000Z" }), "always");
    expect(notice).toMatchObject({ userId: USER, kind: "impersonation_ended", cause, startedAt: "2026-01-01T00:00:00.000Z", limitS: null });
  });

  it("no other audit event tells anyone", () => {
    const others = AUDIT_ACTIONS.filter((a) => a !== "impersonation.start" && !(a in IMPERSONATION_END_CAUSES));
    expect(others).toContain("impersonation.denied");
    for (const action of others) expect(noticesFor(event(action), "always")).toEqual([]);
  });

  it("an event without a subject tells nobody", () => {
    expect(noticesFor({ ...event("impersonation.stop"), subjectId: null }, "always")).toEqual([]);
  });

  it("IMPERSONATION_NOTIFY=off tells nobody, start or end", () => {
    expect(noticesFor(event("impersonation.start", { mode: "write" }), "off")).toEqual([]);
    expect(noticesFor(event("impersonation.stop", { mode: "write" }), "off")).toEqual([]);
  });

  it("IMPERSONATION_NOTIFY=write tells the user of a write-mode impersonation", () => {
    expect(noticesFor(event("impersonation.start", { mode: "write" }), "write")).toHaveLength(1);
    expect(noticesFor(event("impersonation.expire", { mode: "write" }), "write")).toHaveLength(1);
  });

  it("IMPERSONATION_NOTIFY=write stays silent for read-only impersonations, and a missing mode counts as read", () => {
    expect(noticesFor(event("impersonation.start", { mode: "read" }), "write")).toEqual([]);
    expect(noticesFor(event("impersonation.start"), "write")).toEqual([]);
    expect(noticesFor(event("impersonation.stop", { mode: "bogus" }), "write")).toEqual([]);
  });
});

describe("notice details", () => {
  it("only an explicit write mode is write", () => {
    expect(modeOf({ mode: "write" })).toBe("write");
    expect(modeOf({ mode: "WRITE" })).toBe("read");
    expect(modeOf(null)).toBe("read");
  });

  it("the duration runs from the recorded start to the end, and is unknown without a start", () => {
    expect(durationBetween("2026-01-01T00:00:00.000Z", new Date("2026-01-01T00:25:30.000Z"))).toBe(1530);
    expect(durationBetween(null, new Date())).toBeNull();
    expect(durationBetween("not a date", new Date())).toBeNull();
  });

  it("names the staff member with their role when disclosed, else only the role", () => {
    expect(describeActor({ name: "Ada Admin", role: "admin" })).toBe("Ada Admin (administrator)");
    expect(describeActor({ name: null, role: "admin" })).toBe("An administrator");
    expect(describeActor({ name: null, role: "support" })).toBe("A support agent");
    expect(describeActor({ name: null, role: null })).toBe("A staff member");
  });
});
