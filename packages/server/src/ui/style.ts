/** The only stylesheet; served from the server's own origin (no third-party resources). */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --bg: #f6f7f9; --card: #fff; --line: #d8dde3;
  --accent: #0b57d0; --warn-bg: #fff4d6; --warn-fg: #6b4e00; --danger-bg: #fde8e8; --danger-fg: #8a1c1c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #a3acb7; --bg: #111418; --card: #1b2027; --line: #2e3742;
  --accent: #8ab4f8; --warn-bg: #3a2f0b; --warn-fg: #f3d27a; --danger-bg: #3d1414; --danger-fg: #f6b1b1; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem 1.75rem; }
h1 { font-size: 1.35rem; margin: 0 0 1rem; }
.host { font-size: 1.6rem; font-weight: 700; word-break: break-all; margin: .25rem 0; }
.muted, .byline, .client-id { color: var(--muted); font-size: .9rem; word-break: break-all; }
.notice { border-radius: 8px; padding: .75rem 1rem; margin: 1rem 0; }
.notice.warning { background: var(--warn-bg); color: var(--warn-fg); }
.notice.danger { background: var(--danger-bg); color: var(--danger-fg); font-weight: 600; }
.notice.info { border: 1px solid var(--line); }
ul.scopes { padding-left: 1.2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; padding: .6rem .7rem; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); color: var(--fg); font: inherit; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { font: inherit; padding: .6rem 1.2rem; border-radius: 8px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
pre { white-space: pre-wrap; word-break: break-all; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: .75rem; }
footer { margin-top: 1rem; text-align: center; }
.client-head { display: flex; align-items: center; gap: 1rem; }
.client-head p { margin: .25rem 0; }
img.logo { width: 56px; height: 56px; border-radius: 10px; border: 1px solid var(--line); object-fit: contain; background: var(--bg); }
.badge { display: inline-block; border: 1px solid var(--accent); color: var(--accent); border-radius: 999px; padding: .1rem .7rem; font-size: .85rem; }
.links a { color: var(--accent); }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; word-break: break-all; }
main.wide { max-width: 72rem; }
form.inline { display: inline; margin: 0; }
form.inline button { padding: .25rem .6rem; font-size: .85rem; }
select, input[type=url] { padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); color: var(--fg); font: inherit; }
`;
