/**
 * /docs/api: the HTTP API reference, public. A server component that renders the OpenAPI document
 * (server/services/api/openapi.ts) — the same one served at /api/v1/openapi.json — grouped by tag: method
 * and path, credentials and scope, parameters, request fields with an example, the success answer with an
 * example, and the error statuses with their codes. Readable at phone width (blocks of code scroll inside
 * themselves; parameter lists stack).
 */
import type { Metadata } from "next";
import { openApiDocument } from "@/server/services/api/openapi";
import { absoluteUrl } from "@/server/services/api/pagination";

export const metadata: Metadata = { title: "HTTP API reference" };

type Schema = { type?: string | string[]; enum?: unknown[]; const?: unknown; format?: string; pattern?: string; description?: string; items?: Schema; anyOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; default?: unknown; minLength?: number; maxLength?: number };
type Param = { name: string; in: string; required: boolean; description?: string; schema: Schema };
type Response = { description: string; content: { "application/json": { schema: Schema; example?: unknown } }; "x-error-codes"?: string[] };
type Op = {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  security: Record<string, string[]>[];
  parameters: Param[];
  requestBody?: { content: { "application/json": { schema: Schema; example?: unknown } } };
  responses: Record<string, Response>;
};

const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-900",
  post: "bg-emerald-100 text-emerald-900",
  put: "bg-amber-100 text-amber-900",
  delete: "bg-rose-100 text-rose-900",
};

/** `code` spans in a sentence. */
function Text({ children }: { children: string }) {
  return (
    <>
      {children.split(/(`[^`]+`)/g).map((part, i) =>
        part.startsWith("`") && part.endsWith("`") ? (
          <code key={i} className="rounded bg-slate-100 px-1 text-[0.9em] break-words">{part.slice(1, -1)}</code>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}

/** A short human type: `string (uuid)`, `"a" | "b"`, `array of integer`, `object`, `… or null`. */
function typeLabel(s: Schema): string {
  if (s.anyOf) return s.anyOf.map(typeLabel).join(" or ");
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  const t = ([] as string[]).concat(s.type ?? "any");
  const base = t
    .map((x) => (x === "array" ? `array of ${s.items ? typeLabel(s.items) : "any"}` : x))
    .join(" or ");
  return s.format ? `${base} (${s.format})` : base;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

function Code({ label, value }: { label: string; value: unknown }) {
  return (
    <figure className="min-w-0">
      <figcaption className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</figcaption>
      <pre tabIndex={0} aria-label={label} className="mt-1 max-h-96 overflow-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
        {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
      </pre>
    </figure>
  );
}

function FieldList({ rows }: { rows: { name: string; where?: string; required: boolean; type: string; description?: string }[] }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
      {rows.map((r) => (
        <li key={`${r.where ?? ""}${r.name}`} className="px-3 py-2 text-sm">
          <p className="flex flex-wrap items-baseline gap-x-2">
            <code className="font-semibold break-all">{r.name}</code>
            {r.where ? <span className="text-xs text-slate-500">{r.where}</span> : null}
            <span className="text-xs break-all text-slate-600">{r.type}</span>
            {r.required ? <span className="text-xs font-medium text-rose-700">required</span> : <span className="text-xs text-slate-500">optional</span>}
          </p>
          {r.description ? <p className="mt-0.5 text-slate-600"><Text>{r.description}</Text></p> : null}
        </li>
      ))}
    </ul>
  );
}

/** Fields of an object schema, nested objects flattened as `parent.child`. */
function fields(s: Schema, prefix = ""): { name: string; required: boolean; type: string; description?: string }[] {
  const out: { name: string; required: boolean; type: string; description?: string }[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const full = prefix + name;
    out.push({ name: full, required: (s.required ?? []).includes(name), type: typeLabel(p), description: p.description });
    if (p.properties) out.push(...fields(p, `${full}.`));
  }
  return out;
}

function Operation({ method, path, op }: { method: string; path: string; op: Op }) {
  const id = slug(op.operationId);
  const scope = op.security[0]?.personalAccessToken?.[0];
  const auth = op.security.length === 0 ? "None (public)" : op.security[0]?.apiKey ? "API key (Bearer hrld_key_…)" : "Personal access token (Bearer hrld_pat_…)";
  const body = op.requestBody?.content["application/json"];
  const statuses = Object.keys(op.responses).sort();
  const success = statuses.filter((s) => Number(s) < 400);
  const errors = statuses.filter((s) => Number(s) >= 400);
  return (
    <article aria-labelledby={id} className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <header className="space-y-1">
        <h3 id={id} className="flex flex-wrap items-center gap-2 text-base font-semibold">
          <span className={`rounded px-2 py-0.5 font-mono text-xs uppercase ${METHOD_STYLE[method] ?? "bg-slate-100"}`}>{method}</span>
          <code className="break-all">{path}</code>
        </h3>
        <p className="font-medium">{op.summary}</p>
        <p className="text-sm text-slate-700"><Text>{op.description}</Text></p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 pt-1 text-sm">
          <dt className="text-slate-500">Credentials</dt>
          <dd>{auth}</dd>
          {scope ? (
            <>
              <dt className="text-slate-500">Scope</dt>
              <dd><code>{scope}</code></dd>
            </>
          ) : null}
        </dl>
      </header>
      {op.parameters.length > 0 ? (
        <section aria-label={`${op.summary}: parameters`} className="space-y-2">
          <h4 className="text-sm font-semibold">Parameters</h4>
          <FieldList rows={op.parameters.map((p) => ({ name: p.name, where: `in ${p.in}`, required: p.required, type: typeLabel(p.schema), description: p.description }))} />
        </section>
      ) : null}
      {body ? (
        <section aria-label={`${op.summary}: request body`} className="space-y-2">
          <h4 className="text-sm font-semibold">Request body (JSON)</h4>
          {body.schema.anyOf ? (
            // One of several shapes (the events API: one per event name): each with its own fields.
            body.schema.anyOf.map((variant) => {
              const name = String(variant.properties?.name?.const ?? "");
              return (
                <details key={name} className="rounded-lg border border-slate-200 px-3 py-2">
                  <summary className="cursor-pointer text-sm font-medium">
                    <code>{name}</code>
                  </summary>
                  <div className="pt-2">
                    <FieldList rows={fields(variant)} />
                  </div>
                </details>
              );
            })
          ) : (
            <FieldList rows={fields(body.schema)} />
          )}
          {body.example !== undefined ? <Code label="Example request body" value={body.example} /> : null}
        </section>
      ) : null}
      <section aria-label={`${op.summary}: responses`} className="space-y-2">
        <h4 className="text-sm font-semibold">Responses</h4>
        {success.map((s) => {
          const r = op.responses[s]!;
          const ex = r.content["application/json"].example;
          return (
            <div key={s} className="space-y-2">
              <p className="text-sm"><span className="font-mono font-semibold text-emerald-800">{s}</span> {r.description}</p>
              {ex !== undefined ? <Code label={`Example ${s} response`} value={ex} /> : null}
            </div>
          );
        })}
        {errors.length > 0 ? (
          <ul className="space-y-1 text-sm">
            {errors.map((s) => (
              <li key={s} className="flex flex-wrap gap-x-2">
                <span className="font-mono font-semibold text-rose-800">{s}</span>
                {(op.responses[s]!["x-error-codes"] ?? []).map((c) => (
                  <code key={c} className="rounded bg-rose-50 px-1 text-rose-900">{c}</code>
                ))}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </article>
  );
}

export default function ApiReferencePage() {
  const doc = openApiDocument(absoluteUrl("/").replace(/\/$/, ""));
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Op })));
  const groups = doc.tags.map((t) => ({ ...t, ops: ops.filter((o) => o.op.tags.includes(t.name)) })).filter((g) => g.ops.length > 0);
  const schemes = Object.entries(doc.components.securitySchemes);
  return (
    <div className="mx-auto max-w-4xl space-y-8">
      <header className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight">{doc.info.title}</h1>
        <p className="text-sm text-slate-700"><Text>{doc.info.description}</Text></p>
        <p className="text-sm">
          Base URL <code className="rounded bg-slate-100 px-1 break-all">{doc.servers[0]?.url}</code> · Machine-readable:{" "}
          <a href="/api/v1/openapi.json" className="font-medium text-brand-700 underline">OpenAPI 3.1 document</a>
        </p>
      </header>

      <section aria-labelledby="auth-h" className="space-y-2">
        <h2 id="auth-h" className="text-lg font-semibold">Credentials</h2>
        <ul className="space-y-2 text-sm">
          {schemes.map(([name, s]) => (
            <li key={name} className="rounded-lg border border-slate-200 bg-white p-3">
              <p className="font-medium">
                <code>Authorization: Bearer {s.bearerFormat}</code>
              </p>
              <p className="text-slate-700"><Text>{s.description}</Text></p>
            </li>
          ))}
        </ul>
        <Code label="Error body (every error)" value={{ error: { code: "VALIDATION_ERROR", message: "Invalid request body", details: { "data.title": ["Invalid input: expected string, received undefined"] } } }} />
      </section>

      <nav aria-labelledby="toc-h" className="rounded-2xl border border-slate-200 bg-white p-4">
        <h2 id="toc-h" className="font-semibold">Endpoints</h2>
        {groups.map((g) => (
          <div key={g.name} className="mt-3">
            <p className="text-sm font-medium text-slate-600">{g.name}</p>
            <ul className="mt-1 space-y-1 text-sm">
              {g.ops.map((o) => (
                <li key={o.op.operationId}>
                  <a href={`#${slug(o.op.operationId)}`} className="underline decoration-slate-300 hover:decoration-slate-600">
                    <span className="font-mono text-xs uppercase">{o.method}</span> <code className="break-all">{o.path}</code>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>

      {groups.map((g) => (
        <section key={g.name} aria-labelledby={`tag-${slug(g.name)}`} className="space-y-4">
          <div>
            <h2 id={`tag-${slug(g.name)}`} className="text-lg font-semibold">{g.name}</h2>
            <p className="text-sm text-slate-600">{g.description}</p>
          </div>
          {g.ops.map((o) => (
            <Operation key={o.op.operationId} method={o.method} path={o.path} op={o.op} />
          ))}
        </section>
      ))}
    </div>
  );
}
