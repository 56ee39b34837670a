import { describe, expect, it } from "vitest";
import type { AccessRequestNotice } from "./access-request-notice";
import type { ImpersonationNotice } from "./impersonation-notice";
import { renderMail } from "./templates";

const notice: ImpersonationNotice = {
  kind: "impersonation_started",
  recipientName: "Uma User",
  by: { name: "Ada Admin", role: "admin" },
  at: "2026-01-01T10:00:00.000Z",
  mode: "read",
  reason: "Invoice <b>ticket</b> 42",
  cause: null,
  durationS: null,
  limitS: 3600,
};

describe("mail templates", () => {
  it("the start mail says who, when, why, the mode, and to contact support if unexpected", () => {
    const mail = renderMail("impersonation_started", notice);
    expect(mail.subject).toBe("A staff member signed in to your account");
    for (const part of ["Ada Admin (administrator)", "2026-01-01 10:00:00 UTC", "Invoice <b>ticket</b> 42", "read-only", "60 minutes", "contact support"]) expect(mail.text).toContain(part);
  });

  it("the end mail says how long the access lasted", () => {
    const mail = renderMail("impersonation_ended", { ...notice, kind: "impersonation_ended", durationS: 754, limitS: null, cause: "stop" });
    expect(mail.text).toContain("Duration: 13 minutes");
  });

  it("the HTML part escapes the reason and holds no link at all", () => {
    for (const template of ["impersonation_started", "impersonation_ended"] as const) {
      const mail = renderMail(template, { ...notice, reason: `<a href="https://evil.example/">x</a> <script>` });
      expect(mail.html).not.toMatch(/<a[\s>]|<script/i);
      expect(mail.html).toContain("&#60;a href=");
      expect(mail.text).not.toMatch(/https?:\/\/(?!evil\.example)/);
    }
  });

  it("the reset mail carries its link until delivery, says who sent it, and escapes the name in HTML", () => {
    const data = { name: "Kay <b>User</b>", link: "https://console.example.com/set-password?token=abc", expiresAt: "2026-01-01T10:30:00.000Z", sentBy: null };
    const asked = renderMail("password_reset", data);
    expect(asked.subject).toBe("Reset your password");
    for (const part of [data.link, "2026-01-01 10:30:00 UTC", "Someone asked to reset", "signs you out everywhere", "ignore this message"]) expect(asked.text).toContain(part);
    expect(asked.html).toContain("Kay &#60;b&#62;User&#60;/b&#62;");
    expect(renderMail("password_reset", { ...data, sentBy: "Sam Support" }).text).toContain("Sam Support sent you this link from the support console");
    // After delivery the worker has removed the link from the payload.
    const delivered: Partial<typeof data> = { ...data };
    delete delivered.link;
    const after = renderMail("password_reset", delivered);
    expect(after.text).toContain("[link removed from the outbox after delivery]");
    expect(after.html).not.toMatch(/<a[\s>]/);
  });

  it("an unknown template is refused with a clear error", () => {
    expect(() => renderMail("nope", notice)).toThrow(/unknown template "nope"/);
  });

  const request: AccessRequestNotice = {
    kind: "access_requested",
    requestId: "7b0c1c8e-0000-4000-8000-000000000001",
    recipientName: "Uma User",
    by: { name: null, role: "support" },
    at: "2026-01-01T10:00:00.000Z",
    mode: "write",
    reason: "Fix <b>the</b> address",
    accountUrl: "https://console.example.test/account",
  };

  it("the request mail says who asks, for what and why, and links to the account page and nowhere else", () => {
    const mail = renderMail("access_requested", request);
    expect(mail.subject).toBe("A staff member asks for access to your account");
    for (const part of ["A support agent", "read and write", "Fix <b>the</b> address", "https://console.example.test/account", "contact support"]) expect(mail.text).toContain(part);
    expect(mail.html!.match(/<a [^>]*>/g)).toEqual(['<a href="https://console.example.test/account">']);
    expect(mail.html).toContain("Fix &#60;b&#62;the&#60;/b&#62; address");
  });

  it("a request payload pointing anywhere but the account page links to the plain /account path instead", () => {
    for (const accountUrl of ["https://evil.example/login?next=/account", "javascript:alert(1)", "https://console.example.test/set-password?token=x"]) {
      const mail = renderMail("access_requested", { ...request, accountUrl });
      expect(mail.text).not.toContain(accountUrl);
      expect(mail.html).toContain('<a href="/account">');
    }
  });
});
