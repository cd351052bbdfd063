/**
 * `<herald-inbox>`: Herald's bell and inbox inside another site's pages (docs/requirements.md R21), as a
 * web component in a Shadow DOM (no iframe; styles scoped to the shadow root). Bundled with pusher-js into
 * `/embed.js` by scripts/build-embed.ts.
 *
 * ```html
 * <script src="https://herald.example.com/embed.js" defer></script>
 * <herald-inbox herald-url="https://herald.example.com" user-token="<signed on your server>" locale="en"></herald-inbox>
 * ```
 *
 * - The bell's accessible name says how many are new ("Notifications, 3 new"): the unseen count (R5.2).
 * - It opens a non-modal dialog with the latest notifications (unread ones marked, for screen readers too);
 *   what it shows is marked seen, which clears the badge. Activating a notification marks it read and fires
 *   `herald-notification-click` (`detail.notification`: id, type, title, url, data …) for the host to act on;
 *   "Mark all read" reads them all.
 * - Keyboard: Enter or Space on the bell opens; focus moves to the dialog; Tab, or the arrow keys, Home and
 *   End between notifications; Escape closes and gives focus back to the bell. A click or focus outside closes.
 * - Live: pusher-js subscribes to the person's private channel (authorized with the user token at
 *   `/api/embed/v1/realtime/auth`); `notification.new` adds the entry and sets the badge from the counts it
 *   carries; other inbox signals patch what they can and otherwise reload (docs/architecture.md "Live inbox":
 *   sequence numbers tell a gap). Every (re)subscription reads the counts again.
 * - A refused token (expired, wrong) fires `herald-inbox-unauthorized`; setting a fresh `user-token` restarts.
 * - Attributes: `herald-url` (Herald's origin), `user-token`, optional `locale` (en, af, zu).
 *
 * Everything a notification says is put in the page with `textContent`, never as HTML.
 *
 * @module
 */
import Pusher from "pusher-js";
import type { EmbedCountsJson, EmbedNotificationJson, EmbedSessionJson } from "../lib/embed";
import type { Locale } from "../lib/i18n";
import type { NewNotificationPayload } from "../lib/realtime";
import { createClient, EmbedApiError, type EmbedClient } from "./api";
import { pickLocale, timeAgo, translator } from "./i18n";
import { STYLES } from "./styles";

/** Notifications per page in the panel. */
const PAGE = 10;
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

const BELL_SVG =
  '<svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
  '<path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/></svg>';
const CLOSE_SVG =
  '<svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M6 6l12 12M18 6L6 18"/></svg>';

/** The static skeleton (no data in it): filled and updated with `textContent` and attributes. */
const TEMPLATE = `
<div class="root">
  <button class="bell" type="button" part="bell" aria-haspopup="dialog" aria-expanded="false" aria-controls="herald-panel">
    ${BELL_SVG}<span class="badge" aria-hidden="true" hidden></span>
  </button>
  <div class="panel" id="herald-panel" part="panel" role="dialog" aria-labelledby="herald-title" tabindex="-1" hidden>
    <div class="head">
      <div class="heading"><h2 id="herald-title"></h2><span class="unread-count"></span></div>
      <div class="actions">
        <button class="link mark-all" type="button"></button>
        <button class="close" type="button">${CLOSE_SVG}</button>
      </div>
    </div>
    <p class="state" hidden></p>
    <div class="foot retry-row" hidden><button class="link retry" type="button"></button></div>
    <ul class="list" aria-labelledby="herald-title"></ul>
    <div class="foot more-row" hidden><button class="link more" type="button"></button></div>
  </div>
  <div class="sr live" role="status" aria-live="polite"></div>
</div>`;

type Status = "starting" | "ready" | "unavailable";
type InboxSignal = { seq?: number; unread_count?: number; unseen_count?: number; notification_id?: string; action?: string; notification_ids?: string[] };

/** Herald's origin from the `herald-url` attribute (http or https only), or null. */
function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.origin : null;
  } catch {
    return null;
  }
}

/** The list entry a `notification.new` stands for (the API's shape). */
function fromSignal(p: NewNotificationPayload, origin: string): EmbedNotificationJson {
  let url: string | null = null;
  if (p.entry?.actionUrl?.startsWith("/") && !p.entry.actionUrl.startsWith("//")) {
    const u = new URL(p.entry.actionUrl, origin);
    url = u.origin === origin ? u.toString() : null;
  }
  return {
    id: p.notification_id,
    type: p.notification_type,
    title: p.title,
    body: p.message,
    data: p.data ?? {},
    url,
    business: p.sender && p.entry?.business ? { name: p.sender.name, color: p.entry.business.logoColor } : null,
    created_at: p.created_at,
    seen_at: null,
    read_at: null,
  };
}

export class HeraldInbox extends HTMLElement {
  static observedAttributes = ["herald-url", "user-token", "locale"];

  private readonly root: ShadowRoot;
  private readonly els: {
    bell: HTMLButtonElement;
    badge: HTMLElement;
    panel: HTMLElement;
    title: HTMLElement;
    unreadCount: HTMLElement;
    markAll: HTMLButtonElement;
    close: HTMLButtonElement;
    state: HTMLElement;
    retryRow: HTMLElement;
    retry: HTMLButtonElement;
    list: HTMLUListElement;
    moreRow: HTMLElement;
    more: HTMLButtonElement;
    live: HTMLElement;
    container: HTMLElement;
  };
  private client: EmbedClient | null = null;
  private pusher: Pusher | null = null;
  private origin = "";
  /** Bumped at every (re)start: answers of an earlier start are dropped. */
  private generation = 0;
  private status: Status = "starting";
  private counts = { unread: 0, unseen: 0, seq: -1 };
  private items: EmbedNotificationJson[] = [];
  private readonly rows = new Map<string, HTMLLIElement>();
  private listLoaded = false;
  private listSeq = -1;
  private listState: "idle" | "loading" | "error" = "idle";
  private nextCursor: string | null = null;
  private seenPending = new Set<string>();
  private open = false;
  private chosenLocale: string | null = null;
  private locale: Locale = "en";
  private t = translator("en");
  private clock: number | undefined;
  /** Between connectedCallback and disconnectedCallback (attributes set before that start nothing). */
  private connected = false;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = STYLES;
    const holder = document.createElement("div");
    holder.innerHTML = TEMPLATE;
    const container = holder.firstElementChild as HTMLElement;
    this.root.append(style, container);
    const q = <T extends Element>(sel: string) => container.querySelector(sel) as T;
    this.els = {
      container,
      bell: q(".bell"),
      badge: q(".badge"),
      panel: q(".panel"),
      title: q("h2"),
      unreadCount: q(".unread-count"),
      markAll: q(".mark-all"),
      close: q(".close"),
      state: q(".state"),
      retryRow: q(".retry-row"),
      retry: q(".retry"),
      list: q(".list"),
      moreRow: q(".more-row"),
      more: q(".more"),
      live: q(".live"),
    };
    this.els.bell.addEventListener("click", () => this.setOpen(!this.open));
    this.els.close.addEventListener("click", () => this.setOpen(false, true));
    this.els.markAll.addEventListener("click", () => void this.markAllRead());
    this.els.more.addEventListener("click", () => void this.loadList(true));
    this.els.retry.addEventListener("click", () => (this.status === "unavailable" ? void this.start() : void this.loadList(false)));
    this.els.list.addEventListener("click", (e) => {
      const button = (e.target as Element).closest<HTMLButtonElement>("button.item");
      const item = button && this.items.find((i) => i.id === button.dataset.id);
      if (item) void this.activate(item);
    });
    container.addEventListener("keydown", (e) => this.onKey(e));
    this.root.addEventListener("focusout", (e) => {
      const to = (e as FocusEvent).relatedTarget;
      if (this.open && to instanceof Node && to !== this && !this.root.contains(to)) this.setOpen(false);
    });
  }

  connectedCallback(): void {
    this.connected = true;
    document.addEventListener("pointerdown", this.onOutside, true);
    this.relocalize();
    void this.start();
    // Relative times ("3 minutes ago") stay true while the page is open.
    this.clock = window.setInterval(() => this.open && this.renderList(), 60_000);
  }

  disconnectedCallback(): void {
    this.connected = false;
    document.removeEventListener("pointerdown", this.onOutside, true);
    window.clearInterval(this.clock);
    this.generation++;
    this.pusher?.disconnect();
    this.pusher = null;
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    // An upgrade reports every attribute already present before connectedCallback, which starts once.
    if (!this.connected || previous === value) return;
    if (name === "locale") {
      this.relocalize();
      this.render();
    } else {
      void this.start();
    }
  }

  // ── start, session and live updates ───────────────────────────────────────────────────────────────

  private async start(): Promise<void> {
    const generation = ++this.generation;
    this.pusher?.disconnect();
    this.pusher = null;
    this.items = [];
    this.listLoaded = false;
    this.listSeq = -1;
    this.nextCursor = null;
    this.counts = { unread: 0, unseen: 0, seq: -1 };
    const origin = originOf(this.getAttribute("herald-url"));
    const token = this.getAttribute("user-token");
    if (!origin || !token) {
      this.status = "unavailable";
      this.render();
      return;
    }
    this.origin = origin;
    const client = createClient(origin, () => this.getAttribute("user-token") ?? "");
    this.client = client;
    this.status = "starting";
    this.render();
    try {
      const session = await client.session();
      if (generation !== this.generation) return;
      this.chosenLocale = session.user.locale;
      this.relocalize();
      this.setCounts(session.counts);
      this.status = "ready";
      this.render();
      this.goLive(session.realtime, client, generation);
      if (this.open) await this.loadList(false);
    } catch (err) {
      if (generation === this.generation) this.fail(err);
    }
  }

  /** Shows the component as unavailable; a refused token tells the host, which may set a fresh one. */
  private fail(err: unknown): void {
    this.status = "unavailable";
    this.render();
    if (err instanceof EmbedApiError && err.status === 401) {
      this.dispatchEvent(new CustomEvent("herald-inbox-unauthorized", { bubbles: true, composed: true, detail: { code: err.code } }));
    }
  }

  private goLive(rt: EmbedSessionJson["realtime"], client: EmbedClient, generation: number): void {
    const pusher = new Pusher(rt.key, {
      cluster: rt.cluster,
      ...(rt.ws_host ? { wsHost: rt.ws_host, ...(rt.ws_port ? { wsPort: rt.ws_port, wssPort: rt.ws_port } : {}) } : {}),
      forceTLS: rt.force_tls,
      enabledTransports: rt.force_tls ? ["wss"] : ["ws"],
      disableStats: true,
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          client.channelAuth(socketId, channelName).then(
            (data) => callback(null, data),
            (err: Error) => {
              if (generation === this.generation && err instanceof EmbedApiError && err.status === 401) this.fail(err);
              callback(err, null);
            },
          );
        },
      },
    });
    this.pusher = pusher;
    const channel = pusher.subscribe(rt.channel);
    const current = () => generation === this.generation;
    // Every (re)subscription: the server decides again (signals missed while away are never shown wrong).
    channel.bind("pusher:subscription_succeeded", () => current() && void this.resync(generation));
    channel.bind("notification.new", (p: NewNotificationPayload) => current() && this.onNew(p));
    for (const name of ["notification.read", "notifications.bulk_read", "notifications.changed"] as const) {
      channel.bind(name, (p: InboxSignal) => current() && this.onChange(name, p));
    }
  }

  private async resync(generation: number): Promise<void> {
    try {
      const counts = await this.client!.counts();
      if (generation !== this.generation) return;
      this.setCounts(counts, true);
      // Every change advances the number: a list at the same number missed nothing.
      if (counts.seq !== this.listSeq) this.listIsStale();
      this.render();
    } catch {
      // The next signal or subscription tries again.
    }
  }

  private setCounts(c: EmbedCountsJson, force = false): void {
    if (!force && c.seq < this.counts.seq) return;
    this.counts = { unread: c.unread_count, unseen: c.unseen_count, seq: c.seq };
  }

  private onNew(p: NewNotificationPayload): void {
    const known = typeof p.seq === "number";
    if (known && p.seq <= this.counts.seq) return;
    this.counts = { unread: p.unread_count, unseen: p.unseen_count, seq: known ? p.seq : this.counts.seq };
    this.els.live.textContent = this.t("announceNew", { title: p.title });
    if (this.listLoaded) {
      if (known && p.seq === this.listSeq + 1) {
        if (!this.items.some((i) => i.id === p.notification_id)) this.items.unshift(fromSignal(p, this.origin));
        this.listSeq = p.seq;
      } else {
        this.listIsStale();
      }
    }
    this.render();
    if (this.open) void this.markShownSeen();
  }

  private onChange(name: "notification.read" | "notifications.bulk_read" | "notifications.changed", p: InboxSignal): void {
    const known = typeof p.seq === "number";
    if (!known || p.seq! > this.counts.seq) {
      if (typeof p.unread_count === "number" && typeof p.unseen_count === "number") {
        this.counts = { unread: p.unread_count, unseen: p.unseen_count, seq: known ? p.seq! : this.counts.seq };
      }
    }
    if (this.listLoaded && !(known && p.seq! <= this.listSeq)) {
      if (known && p.seq === this.listSeq + 1 && this.patch(name, p)) this.listSeq = p.seq;
      else this.listIsStale();
    }
    this.render();
  }

  /** Applies a change the list can take without asking the server; false when it cannot. */
  private patch(name: string, p: InboxSignal): boolean {
    const now = new Date().toISOString();
    const ids = new Set(name === "notification.read" ? [p.notification_id] : (p.notification_ids ?? []));
    const each = (f: (i: EmbedNotificationJson) => void) => this.items.forEach((i) => (name === "notifications.bulk_read" || ids.has(i.id)) && f(i));
    if (name === "notification.read" || name === "notifications.bulk_read" || p.action === "read") {
      each((i) => ((i.read_at ??= now), (i.seen_at ??= now)));
    } else if (p.action === "seen") {
      each((i) => (i.seen_at ??= now));
    } else if (p.action === "unread") {
      each((i) => (i.read_at = null));
    } else if (p.action === "archive" || p.action === "delete" || p.action === "snooze") {
      this.items = this.items.filter((i) => !ids.has(i.id));
    } else {
      return false;
    }
    return true;
  }

  /** The list missed a change: reload it now when it is shown, else when it is next opened. */
  private listIsStale(): void {
    if (!this.listLoaded) return;
    if (this.open) void this.loadList(false);
    else this.listLoaded = false;
  }

  // ── the list and its actions ──────────────────────────────────────────────────────────────────────

  private async loadList(more: boolean, retried = false): Promise<void> {
    const client = this.client;
    if (!client || this.status !== "ready") return;
    const generation = this.generation;
    if (!more) this.listState = "loading";
    this.render();
    try {
      const page = await client.notifications(PAGE, more ? this.nextCursor : null);
      if (generation !== this.generation) return;
      if (more) {
        const have = new Set(this.items.map((i) => i.id));
        this.items.push(...page.items.filter((i) => !have.has(i.id)));
      } else {
        this.items = page.items;
        this.listSeq = page.seq;
      }
      this.nextCursor = page.next_cursor;
      this.listLoaded = true;
      this.listState = "idle";
      this.render();
      // A change that landed between the counts and this page: read the page once more.
      if (!more && !retried && page.seq < this.counts.seq) return this.loadList(false, true);
      if (this.open) await this.markShownSeen();
    } catch (err) {
      if (generation !== this.generation) return;
      this.listState = "error";
      this.render();
      if (err instanceof EmbedApiError && err.status === 401) this.fail(err);
    }
  }

  /** What the open panel shows is seen (R5.2): it leaves the badge and stays unread. */
  private async markShownSeen(): Promise<void> {
    const ids = this.items.filter((i) => !i.seen_at && !i.read_at && !this.seenPending.has(i.id)).map((i) => i.id);
    if (!ids.length || !this.client) return;
    ids.forEach((id) => this.seenPending.add(id));
    try {
      const r = await this.client.markSeen(ids);
      const now = new Date().toISOString();
      for (const i of this.items) if (ids.includes(i.id)) i.seen_at ??= now;
      this.counts = { ...this.counts, unread: r.unread_count, unseen: r.unseen_count };
      this.render();
    } catch {
      // Still counted as new; the next opening tries again.
    } finally {
      ids.forEach((id) => this.seenPending.delete(id));
    }
  }

  /** A notification activated: the host hears of it; an unread one is marked read. */
  private async activate(item: EmbedNotificationJson): Promise<void> {
    this.dispatchEvent(
      new CustomEvent("herald-notification-click", { bubbles: true, composed: true, detail: { notification: { ...item, data: { ...item.data } } } }),
    );
    if (item.read_at || !this.client) return;
    const before = { read_at: item.read_at, seen_at: item.seen_at };
    const now = new Date().toISOString();
    item.read_at = now;
    item.seen_at ??= now;
    this.render();
    try {
      const r = await this.client.markRead([item.id]);
      this.counts = { ...this.counts, unread: r.unread_count, unseen: r.unseen_count };
    } catch {
      Object.assign(item, before);
    }
    this.render();
  }

  private async markAllRead(): Promise<void> {
    if (!this.client || this.counts.unread === 0) return;
    this.els.markAll.disabled = true;
    try {
      const r = await this.client.markAllRead();
      const now = new Date().toISOString();
      for (const i of this.items) {
        i.read_at ??= now;
        i.seen_at ??= now;
      }
      this.counts = { ...this.counts, unread: r.unread_count, unseen: r.unseen_count };
    } catch {
      // Nothing changed; the button comes back.
    }
    this.render();
  }

  // ── opening, closing, keyboard ────────────────────────────────────────────────────────────────────

  private setOpen(open: boolean, focusBell = false): void {
    if (open === this.open) {
      if (!open && focusBell) this.els.bell.focus();
      return;
    }
    this.open = open;
    if (open) {
      // On narrow screens the panel spans the viewport just below the bell.
      this.els.panel.style.setProperty("--herald-panel-top", `${Math.round(this.els.bell.getBoundingClientRect().bottom + 6)}px`);
    }
    this.render();
    if (open) {
      this.els.panel.focus();
      if (!this.listLoaded) void this.loadList(false);
      else void this.markShownSeen();
    } else if (focusBell) {
      this.els.bell.focus();
    }
  }

  private readonly onOutside = (e: Event): void => {
    if (this.open && !e.composedPath().includes(this)) this.setOpen(false);
  };

  private onKey(e: KeyboardEvent): void {
    if (e.key === "Escape" && this.open) {
      e.preventDefault();
      e.stopPropagation();
      this.setOpen(false, true);
      return;
    }
    if (!this.open || !["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) return;
    const buttons = [...this.els.list.querySelectorAll<HTMLButtonElement>("button.item")];
    if (!buttons.length) return;
    const at = buttons.indexOf(this.root.activeElement as HTMLButtonElement);
    const next =
      e.key === "Home" ? 0 : e.key === "End" ? buttons.length - 1 : e.key === "ArrowDown" ? Math.min(at + 1, buttons.length - 1) : at <= 0 ? 0 : at - 1;
    e.preventDefault();
    buttons[next]?.focus();
  }

  // ── rendering ─────────────────────────────────────────────────────────────────────────────────────

  private relocalize(): void {
    this.locale = pickLocale(this.getAttribute("locale"), this.chosenLocale, document.documentElement.lang);
    this.t = translator(this.locale);
    this.els.container.lang = this.locale;
  }

  private render(): void {
    const { t, els } = this;
    const unseen = this.status === "ready" ? this.counts.unseen : 0;
    els.bell.setAttribute("aria-label", unseen > 0 ? t("labelNew", { count: unseen }) : t("label"));
    els.bell.setAttribute("aria-expanded", String(this.open));
    els.badge.hidden = unseen === 0;
    els.badge.textContent = unseen > 99 ? "99+" : String(unseen);
    els.panel.hidden = !this.open;
    els.title.textContent = t("title");
    els.unreadCount.textContent = this.status === "ready" && this.counts.unread > 0 ? t("unreadCount", { count: this.counts.unread }) : "";
    els.close.setAttribute("aria-label", t("close"));
    els.markAll.textContent = t("markAllRead");
    els.markAll.disabled = this.status !== "ready" || this.counts.unread === 0;
    els.more.textContent = t("loadMore");
    els.retry.textContent = t("retry");
    const message =
      this.status === "unavailable"
        ? t("unavailable")
        : this.status === "starting" || (this.listState === "loading" && !this.listLoaded)
          ? t("loading")
          : this.listState === "error"
            ? t("loadError")
            : this.listLoaded && this.items.length === 0
              ? t("empty")
              : "";
    els.state.hidden = message === "";
    els.state.textContent = message;
    els.state.classList.toggle("error", this.status === "unavailable" || this.listState === "error");
    els.retryRow.hidden = !(this.status === "unavailable" || this.listState === "error");
    els.moreRow.hidden = !(this.listLoaded && this.nextCursor && this.status === "ready");
    if (this.open) this.renderList();
  }

  /**
   * Updates the rows in place, keyed by id: existing rows are never moved or rebuilt, so the focused one
   * keeps focus while signals arrive.
   */
  private renderList(): void {
    const list = this.els.list;
    const show = this.status === "ready" && this.listLoaded ? this.items : [];
    const keep = new Set(show.map((i) => i.id));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    let cursor = list.firstElementChild;
    for (const item of show) {
      let row = this.rows.get(item.id);
      if (!row) {
        row = this.row(item);
        this.rows.set(item.id, row);
      }
      this.fill(row, item);
      if (row === cursor) cursor = cursor.nextElementSibling;
      else list.insertBefore(row, cursor);
    }
  }

  private row(item: EmbedNotificationJson): HTMLLIElement {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "item";
    button.dataset.id = item.id;
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.setAttribute("aria-hidden", "true");
    const text = document.createElement("span");
    text.className = "text";
    const title = document.createElement("span");
    title.className = "title";
    const prefix = document.createElement("span");
    prefix.className = "sr prefix";
    const titleText = document.createElement("span");
    titleText.className = "title-text";
    title.append(prefix, titleText);
    const body = document.createElement("span");
    body.className = "body";
    const meta = document.createElement("span");
    meta.className = "meta";
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.setAttribute("aria-hidden", "true");
    const from = document.createElement("span");
    from.className = "from";
    const time = document.createElement("time");
    meta.append(swatch, from, time);
    text.append(title, body, meta);
    button.append(dot, text);
    li.append(button);
    return li;
  }

  private fill(li: HTMLLIElement, item: EmbedNotificationJson): void {
    const q = (sel: string) => li.querySelector(sel) as HTMLElement;
    const unread = !item.read_at;
    q(".item").classList.toggle("unread", unread);
    q(".prefix").textContent = unread ? this.t("unreadPrefix") : "";
    q(".title-text").textContent = item.title;
    const body = q(".body");
    body.textContent = item.body;
    body.hidden = !item.body;
    const swatch = q(".swatch");
    const color = item.business?.color;
    swatch.hidden = !color || !HEX_COLOR.test(color);
    if (color && HEX_COLOR.test(color)) swatch.style.background = color;
    const from = q(".from");
    from.textContent = item.business?.name ?? "";
    from.hidden = !item.business;
    const time = li.querySelector("time") as HTMLTimeElement;
    time.dateTime = item.created_at;
    time.textContent = timeAgo(this.locale, item.created_at);
  }
}

if (!customElements.get("herald-inbox")) customElements.define("herald-inbox", HeraldInbox);
