/**
 * The component's styles, scoped to its shadow root (nothing leaks into the host page, nothing of the
 * host's leaks in but inherited font and colour). A host themes it with custom properties on the element:
 * `--herald-accent` (links, focus, unread dot; default Herald's green), `--herald-badge` (the count's
 * background), `--herald-panel-width`, `--herald-font`. Contrast meets WCAG AA with the defaults: text
 * #0f172a / #475569 on white, white on #be123c (badge), #065f46 on white (links).
 *
 * @module
 */
export const STYLES = `
:host { display: inline-block; position: relative; font-family: var(--herald-font, inherit); color: #0f172a; line-height: 1.4; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--herald-accent, #047857); outline-offset: 2px; }
.bell { position: relative; display: grid; place-items: center; width: 40px; height: 40px; padding: 0; border: 0; border-radius: 999px;
  background: transparent; color: var(--herald-bell-color, currentColor); cursor: pointer; }
.bell:hover { background: rgba(15, 23, 42, 0.08); }
.bell svg { width: 22px; height: 22px; }
.badge { position: absolute; top: 1px; right: 0; min-width: 20px; height: 20px; padding: 0 6px; border-radius: 999px;
  background: var(--herald-badge, #be123c); color: #fff; font-size: 11px; font-weight: 700; line-height: 20px; text-align: center; }
.panel { position: absolute; z-index: 2147483000; top: calc(100% + 6px); right: 0; width: var(--herald-panel-width, 380px);
  max-width: calc(100vw - 16px); background: #fff; color: #0f172a; border: 1px solid #e2e8f0; border-radius: 12px;
  box-shadow: 0 12px 32px rgba(15, 23, 42, 0.18); overflow: hidden; text-align: left; font-size: 14px; }
.panel:focus { outline: none; }
.panel:focus-visible { outline: 2px solid var(--herald-accent, #047857); outline-offset: -2px; }
@media (max-width: 480px) {
  .panel { position: fixed; left: 8px; right: 8px; width: auto; max-width: none; top: var(--herald-panel-top, 64px); }
}
.head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 10px 8px 10px 16px; border-bottom: 1px solid #f1f5f9; }
.heading { display: flex; align-items: baseline; flex-wrap: wrap; gap: 0 8px; min-width: 0; }
.head h2 { margin: 0; font-size: 15px; font-weight: 600; }
.unread-count { color: #475569; font-size: 12px; }
.actions { display: flex; align-items: center; gap: 2px; }
.link { padding: 6px 8px; border: 0; border-radius: 6px; background: transparent; color: var(--herald-accent-text, #065f46);
  font-size: 13px; font-weight: 600; cursor: pointer; }
.link:hover:not(:disabled) { background: #ecfdf5; text-decoration: underline; }
.link:disabled { color: #64748b; cursor: default; }
.close { display: grid; place-items: center; width: 32px; height: 32px; padding: 0; border: 0; border-radius: 6px; background: transparent; color: #475569; cursor: pointer; }
.close:hover { background: #f1f5f9; color: #0f172a; }
.close svg { width: 18px; height: 18px; }
.list { list-style: none; margin: 0; padding: 0; max-height: min(60vh, 480px); overflow-y: auto; overscroll-behavior: contain; }
.list li + li { border-top: 1px solid #f1f5f9; }
.item { display: flex; gap: 12px; width: 100%; padding: 12px 16px; border: 0; background: #fff; text-align: left; cursor: pointer; }
.item:hover { background: #f8fafc; }
.item.unread { background: #f0fdf4; }
.item.unread:hover { background: #dcfce7; }
.item:focus-visible { outline-offset: -2px; }
.dot { flex: none; width: 8px; height: 8px; margin-top: 6px; border-radius: 999px; background: transparent; }
.unread .dot { background: var(--herald-accent, #047857); }
.text { min-width: 0; flex: 1; display: flex; flex-direction: column; gap: 2px; }
.title { color: #334155; overflow-wrap: anywhere; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.unread .title { color: #0f172a; font-weight: 600; }
.body { color: #475569; font-size: 13px; overflow-wrap: anywhere; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.meta { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; color: #475569; font-size: 12px; }
.swatch { display: inline-block; width: 8px; height: 8px; border-radius: 2px; }
.state { margin: 0; padding: 28px 16px; text-align: center; color: #475569; }
.state.error { color: #9f1239; }
.foot { border-top: 1px solid #f1f5f9; padding: 6px; text-align: center; }
[hidden] { display: none !important; }
@media (prefers-reduced-motion: no-preference) { .item, .bell, .link { transition: background-color 120ms ease; } }
@media (forced-colors: active) { .badge, .unread .dot { forced-color-adjust: none; } .panel { border-color: CanvasText; } }
`;
