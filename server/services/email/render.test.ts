import { describe, expect, it } from "vitest";
import { AppError } from "@/server/services/errors";
import { NOTIFICATION_TYPES, NOTIFICATION_TYPE_NAMES } from "@/server/services/notifications/catalog";
import { DEFAULT_POSTAL_ADDRESS } from "@/emails/components/layout";
import {
  EMAIL_TEMPLATES,
  EMAIL_TEMPLATE_NAMES,
  renderEmail,
  safeActionUrl,
  safeHeaderValue,
  type EmailPropsByTemplate,
  type EmailTemplateName,
} from "./render";

const APP = "https://herald.example.org";

/** Text each template's plain-text version must contain when rendered from its PreviewProps. */
const KEY_CONTENT: Record<EmailTemplateName, (string | RegExp)[]> = {
  new_listing: ["Mario's Restaurant", "Margherita Pizza", /R\s?12\.50/, "Main Counter", "/listings/550e8400-e29b-41d4-a716-446655440000"],
  listing_expiring: ["Margherita Pizza", "Mario's Restaurant", "Main Counter"],
  pickup_reminder: ["SNB-2025-12345", "ABC123", "John Smith", "+27123456789", "123 Main Street, Pretoria", "2× Margherita Pizza"],
  interaction_confirmed: ["SNB-2025-12345", "Mario's Restaurant", "ABC123", /R\s?25\.50/],
  interaction_completed: ["SNB-2025-12345", "Leave a review", "3 meals saved"],
  pickup_missed: ["You missed your pickup", "SNB-2025-12345", "Mario's Restaurant"],
  order_status: ["Order ready for pickup", "SNB-2025-12345", "has your order ready for pickup"],
  review_received: ["Thandi M.", "4 out of 5", "Pizza was still warm"],
  business_update: ["New evening pickup window", "NGO partners can now reserve"],
  system_announcement: ["Scheduled maintenance on Sunday 29 June", "unavailable on Sunday"],
  welcome: ["Welcome to Herald", "Get started"],
  verification_status: ["Pretoria Community Kitchen", "NPO registration certificate"],
  security_alert: ["New sign-in", "Chrome on Windows", "196.25.1.10"],
  password_reset: ["Reset your password", "/reset-password?token=preview-3f9c2a71b8e04d5c", "1 hour"],
  booking_confirmed: ["HB-7Q4K2", "Green Leaf Bakery", "4× Assorted muffins", /R\s?48\.00/],
  booking_cancelled: ["HB-7Q4K2", "oven broke down", /R\s?48\.00/],
  billing: ["Your payment failed", /R\s?299\.00/, "INV-2025-0612", "Visa ending 4242"],
  digest: ["5 new listings from 3 businesses", "Sourdough loaf", "1 update from 1 business", "Open your inbox"],
  announcement: ["Winter food drive", "Find businesses near you"],
  newsletter_confirm: ["Confirm your subscription", "/newsletter/confirm/preview-8d2f1c", "72 hours"],
  verify_email: ["Confirm your email address", "/verify-email/0b7d3a52-5c1e-4e36-9a51-0c2d7d1f4e8a.preview-5Qx2", "24 hours"],
  account_exists: ["You already have an account", "Sign in", "Reset my password", "/forgot-password"],
};

function preview<N extends EmailTemplateName>(name: N): EmailPropsByTemplate[N] {
  return EMAIL_TEMPLATES[name].previewProps;
}

async function expectValidationError(p: Promise<unknown>): Promise<AppError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("VALIDATION_ERROR");
  return err as AppError;
}

describe("email registry", () => {
  it("has a template for every catalog notification type, plus announcement, the newsletter confirmation and the sign-up's two", () => {
    expect([...EMAIL_TEMPLATE_NAMES].sort()).toEqual([...NOTIFICATION_TYPE_NAMES, "announcement", "newsletter_confirm", "verify_email", "account_exists"].sort());
  });

  it("marks exactly the catalog's critical types as transactional", () => {
    for (const name of NOTIFICATION_TYPE_NAMES) {
      expect(EMAIL_TEMPLATES[name].transactional, name).toBe(NOTIFICATION_TYPES[name].critical);
    }
    expect(EMAIL_TEMPLATES.announcement.transactional).toBe(false);
    expect(EMAIL_TEMPLATE_NAMES.filter((n) => EMAIL_TEMPLATES[n].transactional).sort()).toEqual(
      ["account_exists", "billing", "newsletter_confirm", "password_reset", "pickup_reminder", "security_alert", "verification_status", "verify_email", "welcome"].sort(),
    );
  });

  it("registers each component's own PreviewProps", () => {
    for (const name of EMAIL_TEMPLATE_NAMES) {
      const entry = EMAIL_TEMPLATES[name];
      expect((entry.component as unknown as { PreviewProps: unknown }).PreviewProps, name).toBe(entry.previewProps);
    }
  });
});

describe.each(EMAIL_TEMPLATE_NAMES)("template %s rendered from its PreviewProps", (name) => {
  it("renders a full branded document, a plain-text version and a one-line subject", async () => {
    const out = await renderEmail(name, preview(name));
    expect(out.html.startsWith("<!DOCTYPE html")).toBe(true);
    expect(out.html).toMatch(/<html[^>]*lang="en"/);
    expect(out.html.trimEnd().endsWith("</html>")).toBe(true);
    expect(out.html).toContain("Herald");
    expect(out.html).toContain("max-width:600px");
    expect(out.html).toContain("You received this because");
    expect(out.html).toContain(DEFAULT_POSTAL_ADDRESS);

    expect(out.text.trim().length).toBeGreaterThan(100);
    expect(out.text).toContain("You received this because");
    for (const s of KEY_CONTENT[name]) {
      if (typeof s === "string") expect(out.text, `${name} text should contain ${s}`).toContain(s);
      else expect(out.text, `${name} text should match ${s}`).toMatch(s);
    }

    expect(out.subject.length).toBeGreaterThan(0);
    expect(out.subject.length).toBeLessThanOrEqual(200);
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.subject).toBe((EMAIL_TEMPLATES[name].subject as (p: unknown) => string)(preview(name)));
    expect(out.html).not.toMatch(/<script/i);
    expect(out.transactional).toBe(EMAIL_TEMPLATES[name].transactional);
  });

  if (EMAIL_TEMPLATES[name].transactional) {
    it("is transactional: no unsubscribe link", async () => {
      const out = await renderEmail(name, preview(name));
      expect(out.html).not.toMatch(/unsubscribe/i);
      expect(out.text).not.toMatch(/unsubscribe/i);
      expect(out.html).not.toContain("Manage email preferences");
    });
  } else {
    it("carries a visible unsubscribe link and the preferences link", async () => {
      const props = { ...preview(name), appUrl: APP, unsubscribeUrl: `${APP}/unsubscribe/tok_123` };
      const out = await renderEmail(name, props as never);
      expect(out.html).toContain(`href="${APP}/unsubscribe/tok_123"`);
      expect(out.html).toMatch(/<a[^>]*href="https:\/\/herald\.example\.org\/unsubscribe\/tok_123"[^>]*>Unsubscribe<\/a>/);
      expect(out.html).toContain(`href="${APP}/settings/notifications"`);
      expect(out.html).toContain("Manage email preferences");
      expect(out.text).toContain("Unsubscribe");
      expect(out.text).toContain(`${APP}/unsubscribe/tok_123`);
    });

    it("refuses to render without an unsubscribe link", async () => {
      const { unsubscribeUrl: _u, ...rest } = preview(name) as unknown as Record<string, unknown>;
      await expectValidationError(renderEmail(name, rest as never));
    });
  }
});

describe("escaping user text", () => {
  const SCRIPT = "<script>alert(1)</script>";
  const IMG = '"><img src=x onerror=alert(1)>';

  function expectEscaped(html: string) {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img[^>]*onerror/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  }

  it("escapes a hostile business and listing name (new_listing)", async () => {
    const out = await renderEmail("new_listing", {
      ...preview("new_listing"),
      businessName: SCRIPT,
      listingName: IMG,
      description: `${SCRIPT} ${IMG}`,
    });
    expectEscaped(out.html);
    expect(out.text).toContain(SCRIPT); // the text part is plain text: shown literally, not interpreted
  });

  it("escapes a hostile title, body and sender (announcement)", async () => {
    const out = await renderEmail("announcement", {
      ...preview("announcement"),
      title: `${SCRIPT}${IMG}`,
      body: `First ${SCRIPT}\n\nSecond ${IMG}`,
      senderName: SCRIPT,
    });
    expectEscaped(out.html);
  });

  it("escapes hostile digest items and review comments", async () => {
    const digest = await renderEmail("digest", {
      ...preview("digest"),
      sections: [{ heading: SCRIPT, items: [{ title: IMG, businessName: SCRIPT, url: "/listings/1" }] }],
    });
    expectEscaped(digest.html);
    const review = await renderEmail("review_received", { ...preview("review_received"), reviewerName: SCRIPT, comment: IMG });
    expectEscaped(review.html);
  });

  it("never lets a hostile link target into an href", async () => {
    const out = await renderEmail("new_listing", { ...preview("new_listing"), appUrl: APP, listingUrl: "javascript:alert(1)" });
    expect(out.html).not.toContain("javascript:");
    expect(out.html).toContain(`href="${APP}/notifications"`);
    const dig = await renderEmail("digest", {
      ...preview("digest"),
      appUrl: APP,
      sections: [{ heading: "New listings", items: [{ title: "x", url: "//evil.com/x" }], moreUrl: "data:text/html,hi" }],
    });
    expect(dig.html).not.toContain("evil.com");
    expect(dig.html).not.toContain("data:text");
  });
});

describe("headers from user text", () => {
  it("keeps a subject with CR/LF injection on one line", async () => {
    const out = await renderEmail("announcement", { ...preview("announcement"), title: "Hello\r\nBcc: x@evil" });
    expect(out.subject).toBe("Hello Bcc: x@evil");
    expect(out.subject).not.toMatch(/[\r\n]/);
    const upd = await renderEmail("business_update", { ...preview("business_update"), businessName: "Mario's\nBcc: x@evil", title: "Hi\r" });
    expect(upd.subject).toBe("Mario's Bcc: x@evil: Hi");
  });

  it("safeHeaderValue strips control characters, collapses whitespace and caps the length", () => {
    expect(safeHeaderValue("a\r\nBcc: x@evil")).toBe("a Bcc: x@evil");
    expect(safeHeaderValue("  tab\there \u2028line\u2029 nul\u0000 del\u007f bidi\u202e  ")).toBe("tab here line nul del bidi");
    const long = safeHeaderValue("x".repeat(500));
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith("…")).toBe(true);
    expect(safeHeaderValue("😀".repeat(300)).length).toBe(199 * 2 + 1); // cut on code points, not halves
    expect(safeHeaderValue("short", 10)).toBe("short");
  });
});

describe("safeActionUrl", () => {
  const fallback = `${APP}/notifications`;

  it("keeps https URLs and resolves app-relative paths", () => {
    expect(safeActionUrl("https://maps.example.com/?q=-25.7479,28.2293", APP)).toBe("https://maps.example.com/?q=-25.7479,28.2293");
    expect(safeActionUrl("/listings/42?ref=email#top", APP)).toBe(`${APP}/listings/42?ref=email#top`);
    expect(safeActionUrl("/listings/42", "https://example.org/herald/")).toBe("https://example.org/herald/listings/42");
  });

  it.each([
    ["javascript:alert(1)"],
    ["JaVaScRiPt:alert(1)"],
    ["java\nscript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["//evil.com"],
    ["//evil.com/path"],
    ["/\\evil.com"],
    ["\\\\evil.com"],
    ["http://evil.com"],
    ["http://localhost:3000/x"],
    ["https://user:pass@evil.com/"],
    ["mailto:x@evil.com"],
    ["listings/1"],
    [""],
    ["   "],
  ])("refuses %j", (url) => {
    expect(safeActionUrl(url, APP)).toBe(fallback);
  });

  it("refuses null/undefined and uses a given fallback", () => {
    expect(safeActionUrl(undefined, APP)).toBe(fallback);
    expect(safeActionUrl(null, APP)).toBe(fallback);
    expect(safeActionUrl("javascript:x", APP, `${APP}/settings`)).toBe(`${APP}/settings`);
  });

  it("allows http on localhost only when the app itself runs on http localhost", () => {
    const local = "http://localhost:3000";
    expect(safeActionUrl("http://localhost:3000/listings/1", local)).toBe("http://localhost:3000/listings/1");
    expect(safeActionUrl("http://127.0.0.1:3000/x", local)).toBe("http://127.0.0.1:3000/x");
    expect(safeActionUrl("/x", local)).toBe("http://localhost:3000/x");
    expect(safeActionUrl("http://evil.com/x", local)).toBe(`${local}/notifications`);
    expect(safeActionUrl("//evil.com", local)).toBe(`${local}/notifications`);
  });

  it("throws on an invalid appUrl (programming error)", () => {
    expect(() => safeActionUrl("/x", "not a url")).toThrow(TypeError);
  });
});

describe("props validation", () => {
  it("rejects unknown props (strict schemas)", async () => {
    const err = await expectValidationError(renderEmail("welcome", { ...preview("welcome"), isAdmin: true } as never));
    expect(JSON.stringify(err.details)).toContain("unrecognized_keys");
  });

  it("rejects unknown keys in nested objects", async () => {
    await expectValidationError(
      renderEmail("pickup_reminder", { ...preview("pickup_reminder"), items: [{ name: "Pizza", quantity: 1, price: "1" }] } as never),
    );
  });

  it("rejects an unsubscribe link on transactional templates", async () => {
    await expectValidationError(renderEmail("password_reset", { ...preview("password_reset"), unsubscribeUrl: `${APP}/u/1` } as never));
  });

  it("rejects wrong types, non-ISO dates, bad amounts, a bad time zone and a non-https appUrl", async () => {
    await expectValidationError(renderEmail("new_listing", { ...preview("new_listing"), price: 12.5 } as never));
    await expectValidationError(renderEmail("new_listing", { ...preview("new_listing"), expiryDate: "tomorrow" }));
    await expectValidationError(renderEmail("new_listing", { ...preview("new_listing"), price: "12,50" }));
    await expectValidationError(renderEmail("new_listing", { ...preview("new_listing"), timeZone: "Mars/Olympus" }));
    await expectValidationError(renderEmail("new_listing", { ...preview("new_listing"), appUrl: "http://herald.example.org" }));
    await expectValidationError(renderEmail("review_received", { ...preview("review_received"), rating: 6 }));
  });

  it("rejects an unknown template name", async () => {
    await expectValidationError(renderEmail("nope" as EmailTemplateName, {} as never));
  });
});

describe("markdown bodies (campaign announcements)", () => {
  it("renders the safe subset, drops raw HTML and refuses hostile links", async () => {
    const out = await renderEmail("announcement", {
      ...preview("announcement"),
      appUrl: APP,
      format: "markdown",
      body: [
        "# Winter drive",
        "Help us **double** the pickups — [find businesses](/businesses).",
        "- Follow\n- Set a digest",
        '<script>alert(1)</script><img src=x onerror="alert(2)">',
        "[bad](javascript:alert(3)) and [data](data:text/html,hi)",
      ].join("\n\n"),
    });
    expect(out.html).toMatch(/<h2[^>]*>Winter drive<\/h2>/);
    expect(out.html).toMatch(/<strong>double<\/strong>/);
    expect(out.html).toContain(`href="${APP}/businesses"`);
    expect(out.html).toMatch(/<li[^>]*>Follow<\/li>/);
    expect(out.html).not.toMatch(/<script|onerror|javascript:|data:text/i);
    expect(out.text).toContain("Help us double the pickups");
  });
});
