/**
 * A host platform in one file of plain Node (no framework): it plays your web app, which shows Herald's
 * bell and inbox in its own header with `<herald-inbox>` (README "Embedding the inbox").
 *
 *   HERALD_URL=http://localhost:3000 HERALD_EMBED_SECRET=… HERALD_USER_ID=<a Herald user id> node examples/embed/server.mjs
 *
 * then open http://localhost:3195. Herald must list this page's origin in HERALD_EMBED_ORIGINS
 * (`http://localhost:3195`) and share the secret. The user token is signed here, on the server, for the
 * person "signed in" to this platform; the secret never reaches the browser.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

/**
 * Signs a user token for Herald's embedded inbox: `<userId>.<expiry>.<base64url HMAC-SHA256>`.
 * @param {string} userId the person's Herald user id (a lowercase UUID)
 * @param {string} secret HERALD_EMBED_SECRET (at least 32 characters)
 * @param {number} ttlSeconds lifetime in seconds (Herald refuses more than HERALD_EMBED_TOKEN_MAX_AGE_S, default 86400)
 * @returns {string}
 */
export function signEmbedToken(userId, secret, ttlSeconds) {
  const expiry = Math.floor(Date.now() / 1000) + ttlSeconds;
  const mac = createHmac("sha256", secret).update(`${userId}.${expiry}`).digest("base64url");
  return `${userId}.${expiry}.${mac}`;
}

/** @param {string} s */
const html = (s) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/**
 * The platform's page: its own header with the bell, and the snippet it uses.
 * @param {{ heraldUrl: string; token: string; locale?: string }} o
 */
function page(o) {
  const snippet = `<script src="${o.heraldUrl}/embed.js" defer></script>
<herald-inbox herald-url="${o.heraldUrl}" user-token="<signed on your server>"${o.locale ? ` locale="${o.locale}"` : ""}></herald-inbox>`;
  const signing = `import { createHmac } from "node:crypto";

// On your server, for the person signed in to your platform:
function signEmbedToken(userId, secret, ttlSeconds) {
  const expiry = Math.floor(Date.now() / 1000) + ttlSeconds;
  const mac = createHmac("sha256", secret).update(\`\${userId}.\${expiry}\`).digest("base64url");
  return \`\${userId}.\${expiry}.\${mac}\`;
}
const token = signEmbedToken(heraldUserId, process.env.HERALD_EMBED_SECRET, 3600);`;
  return `<!doctype html>
<html lang="${html(o.locale ?? "en")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kasi Market — your platform</title>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1e293b; background: #f8fafc; }
  header { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #fff; border-bottom: 1px solid #e2e8f0; }
  .brand { font-weight: 700; font-size: 18px; color: #7c2d12; text-decoration: none; }
  nav { display: flex; gap: 16px; margin-left: auto; }
  nav a { color: #334155; text-decoration: none; font-size: 15px; }
  nav a:hover { text-decoration: underline; }
  main { max-width: 760px; margin: 0 auto; padding: 24px 20px 48px; }
  h1 { font-size: 24px; margin: 8px 0 4px; }
  h2 { font-size: 17px; margin: 28px 0 8px; }
  p { line-height: 1.55; }
  pre { overflow-x: auto; padding: 14px; background: #0f172a; color: #e2e8f0; border-radius: 8px; font-size: 13px; line-height: 1.5; }
  #last-click { min-height: 1.5em; color: #475569; }
  @media (max-width: 480px) { nav { display: none; } header { justify-content: space-between; } }
</style>
<script src="${html(o.heraldUrl)}/embed.js" defer></script>
</head>
<body>
<header>
  <a class="brand" href="/">Kasi Market</a>
  <nav aria-label="Main"><a href="/">Shop</a><a href="/">Orders</a><a href="/">Help</a></nav>
  <herald-inbox herald-url="${html(o.heraldUrl)}" user-token="${html(o.token)}"${o.locale ? ` locale="${html(o.locale)}"` : ""}></herald-inbox>
</header>
<main>
  <h1>Welcome back</h1>
  <p>This page plays your platform. The bell in the header is Herald's inbox for the person signed in here: it
  shows how many notifications are new, lists the latest, and updates live when a business posts.</p>
  <p id="last-click"></p>
  <h2>The snippet</h2>
  <pre><code>${html(snippet)}</code></pre>
  <h2>The user token, signed on your server</h2>
  <pre><code>${html(signing)}</code></pre>
</main>
<script>
  const inbox = document.querySelector("herald-inbox");
  // A notification was opened: your platform decides where to go (here: say which one).
  inbox.addEventListener("herald-notification-click", (e) => {
    document.getElementById("last-click").textContent = "Opened: " + e.detail.notification.title;
  });
  // The token expired or was refused: fetch a fresh one from your server and hand it over.
  inbox.addEventListener("herald-inbox-unauthorized", async () => {
    const res = await fetch("/embed-token", { method: "POST" });
    if (res.ok) inbox.setAttribute("user-token", (await res.json()).token);
  });
</script>
</body>
</html>`;
}

/**
 * Starts the example platform.
 * @param {{ heraldUrl: string; secret: string; userId: string; port?: number; host?: string; locale?: string; ttlSeconds?: number }} o
 * @returns {Promise<{ url: string; close: () => Promise<void> }>}
 */
export function startExampleServer(o) {
  const heraldUrl = new URL(o.heraldUrl).origin;
  const ttl = o.ttlSeconds ?? 3600;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/") {
      // A real platform signs for the person of its own session; this one has one person.
      const body = page({ heraldUrl, token: signEmbedToken(o.userId, o.secret, ttl), locale: o.locale });
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(body);
    } else if (req.method === "POST" && path === "/embed-token") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ token: signEmbedToken(o.userId, o.secret, ttl) }));
    } else {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 3195, o.host ?? "127.0.0.1", () => {
      const address = /** @type {import("node:net").AddressInfo} */ (server.address());
      resolve({
        url: `http://${o.host ?? "127.0.0.1"}:${address.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { HERALD_URL = "http://localhost:3000", HERALD_EMBED_SECRET, HERALD_USER_ID, PORT = "3195", HOST = "localhost", LOCALE } = process.env;
  if (!HERALD_EMBED_SECRET || !HERALD_USER_ID) {
    console.error("Set HERALD_EMBED_SECRET (Herald's) and HERALD_USER_ID (the Herald user to sign in as); see README \"Embedding the inbox\".");
    process.exit(1);
  }
  const { url } = await startExampleServer({ heraldUrl: HERALD_URL, secret: HERALD_EMBED_SECRET, userId: HERALD_USER_ID, port: Number(PORT), host: HOST, locale: LOCALE });
  console.log(`Example platform on ${url} (Herald ${HERALD_URL}; add ${url} to HERALD_EMBED_ORIGINS)`);
}
