/** /docs/api renders every documented operation with its method, path, scope, examples and error codes. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "@/server/services/api/openapi";
import ApiReferencePage from "./page";

describe("/docs/api", () => {
  it("lists every endpoint grouped by tag, with credentials, scopes, parameters, examples and error codes", () => {
    const html = renderToStaticMarkup(createElement(ApiReferencePage));
    expect(html).toContain("<h1");
    for (const op of OPERATIONS) {
      expect(html, op.path).toContain(`<code class="break-all">${op.path}</code>`);
      expect(html).toContain(`href="#${op.operationId.toLowerCase()}"`);
      if (op.security.kind === "pat") expect(html).toContain(`<code>${op.security.scope}</code>`);
    }
    for (const tag of ["Notifications", "Preferences", "Following", "Events"]) expect(html).toContain(`id="tag-${tag.toLowerCase()}"`);
    expect(html).toContain("Idempotency-Key");
    expect(html).toContain("UNSUPPORTED_EVENT");
    expect(html).toContain("IDEMPOTENCY_KEY_REUSED");
    expect(html).toContain("Example request body");
    expect(html).toContain("&quot;listing.created&quot;");
    expect(html).toContain("Authorization: Bearer hrld_key_…");
    // Every event's data fields, one collapsible section per event name.
    for (const name of ["listing.created", "pickup.scheduled", "order.status_changed", "billing.subscription_expiring"]) {
      expect(html).toContain(`<summary class="cursor-pointer text-sm font-medium"><code>${name}</code></summary>`);
    }
    expect(html).toContain("data.scheduled_at");
  });
});
