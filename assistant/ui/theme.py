"""The look: a calm, dense theme for a screen an agent keeps open all shift. System fonts only (no downloads)."""

from __future__ import annotations

import gradio as gr

FONT = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["JetBrains Mono", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def theme() -> gr.themes.Base:
    return gr.themes.Soft(
        primary_hue="indigo", secondary_hue="slate", neutral_hue="slate", radius_size="md", text_size="sm",
        spacing_size="sm", font=FONT, font_mono=MONO,
    ).set(
        body_background_fill="#f1f5f9",
        block_background_fill="#ffffff",
        block_border_width="1px",
        block_shadow="none",
        button_primary_background_fill="#4f46e5",
        button_primary_background_fill_hover="#4338ca",
        # WCAG AA (4.5:1, checked by axe-core in tests/test_browser_safety.py): Soft's indigo-500 labels on
        # indigo-100 measured 3.6:1, white on a selected radio 4.46:1, slate-400 empty dropdowns 2.6:1.
        block_label_text_color="#3730a3",
        block_title_text_color="#3730a3",
        checkbox_label_background_fill_selected="#4f46e5",
        body_text_color_subdued="#64748b",
        input_placeholder_color="#64748b",
    )


# Clicking a numbered citation chip opens (and briefly highlights) its source entry in the same panel.
SOURCES_JS = """
element.addEventListener('click', (e) => {
  const chip = e.target.closest('[data-src]');
  if (!chip) return;
  const target = element.querySelector('#' + CSS.escape(chip.dataset.src));
  if (!target) return;
  target.open = true;
  target.classList.add('rp-hl');
  target.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  setTimeout(() => target.classList.remove('rp-hl'), 1400);
});
"""

CSS = """
.gradio-container { max-width: 1680px !important; }
footer { display: none !important; }
.rp-header { display:flex; align-items:center; gap:14px; padding:8px 14px; background:#1e1b4b; color:#e0e7ff;
  border-radius:10px; }
.rp-brand { font-weight:700; font-size:18px; letter-spacing:.3px; color:#fff; }
.rp-brand small { font-weight:400; color:#a5b4fc; margin-left:8px; font-size:12px; }
.rp-header .rp-spacer { flex:1; }
.rp-header span { color:#e0e7ff; }
.rp-header a { color:#c7d2fe; text-decoration:none; margin-left:10px; }
.rp-header a:hover { color:#fff; text-decoration:underline; }
.rp-role { background:#4338ca; color:#fff !important; border-radius:999px; padding:2px 10px; font-size:12px; }
.rp-demo { background:#f59e0b; color:#1f2937 !important; font-weight:700; border-radius:6px; padding:2px 8px;
  font-size:12px; }
.rp-notice { background:#fef3c7; border:1px solid #fcd34d; color:#78350f; border-radius:8px; padding:6px 12px;
  margin-top:6px; }
.rp-card { background:#fff; border:1px solid #e2e8f0; border-radius:10px; padding:12px 14px; }
.rp-empty { color:#64748b; padding:18px; text-align:center; border:1px dashed #cbd5e1; border-radius:10px;
  background:#fff; }
.rp-sub { color:#475569; font-size:12px; }  /* 4.5:1 on the grey page too */
.rp-profile-head { display:flex; gap:12px; align-items:center; margin-bottom:8px; }
.rp-avatar { width:44px; height:44px; border-radius:50%; background:#4f46e5; color:#fff; display:flex;
  align-items:center; justify-content:center; font-size:20px; font-weight:700; flex:none; }
.rp-name { font-size:18px; font-weight:700; color:#0f172a; }
.rp-row { margin:6px 0; }
.rp-tag { display:inline-block; background:#eef2ff; color:#3730a3; border-radius:999px; padding:1px 8px;
  margin:2px 3px 2px 0; font-size:12px; }
.rp-ok { color:#047857; font-weight:600; }
.rp-warn { color:#b91c1c; font-weight:700; }
.rp-facts { margin-top:10px; border-top:1px solid #f1f5f9; padding-top:6px; }
.rp-facts-title { font-weight:700; font-size:12px; text-transform:uppercase; letter-spacing:.6px; color:#475569;
  margin-bottom:4px; }
.rp-facts ul { margin:0; padding-left:18px; }
.rp-facts li { margin:2px 0; }
.rp-chan { display:inline-flex; align-items:center; gap:3px; border:1px solid var(--c); color:var(--c);
  border-radius:999px; padding:0 7px; font-size:11px; font-weight:600; margin-right:4px; white-space:nowrap;
  line-height:18px; vertical-align:middle; }
.rp-header b { color:#fff; }
.rp-strip { position:relative; height:22px; background:linear-gradient(#e2e8f0,#e2e8f0) center/100% 2px no-repeat;
  margin:4px 6px; }
.rp-dot { position:absolute; top:5px; width:12px; height:12px; margin-left:-6px; border-radius:50%;
  background:var(--c); border:2px solid #fff; box-shadow:0 0 0 1px var(--c); }
.rp-strip-axis { display:flex; justify-content:space-between; color:#64748b; font-size:11px; margin:0 2px 4px; }
.rp-legend { margin-bottom:8px; }
.rp-days { max-height:460px; overflow-y:auto; }
.rp-day-label { font-size:11px; font-weight:700; color:#475569; margin:8px 0 3px; text-transform:uppercase; }
.rp-contact { border-left:4px solid var(--c); background:#f8fafc; border-radius:6px; margin:3px 0;
  padding:4px 8px; }
.rp-contact summary { cursor:pointer; display:flex; gap:8px; align-items:baseline; list-style:none; }
.rp-contact summary::-webkit-details-marker { display:none; }
.rp-time { color:#64748b; font-size:12px; font-variant-numeric:tabular-nums; }
.rp-opener { flex:1; color:#0f172a; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.rp-outcome { font-size:11px; color:#475569; background:#e2e8f0; border-radius:4px; padding:0 5px; }
.rp-contact-body { margin-top:6px; }
.rp-turn { margin:3px 0; line-height:1.45; }
.rp-speaker { display:inline-block; min-width:64px; font-size:11px; font-weight:700; text-transform:uppercase;
  color:#64748b; }
.rp-customer .rp-speaker { color:#4f46e5; }
.rp-draft-title { display:flex; justify-content:space-between; font-weight:700; margin-bottom:6px; }
.rp-draft-text { font-size:15px; line-height:1.6; color:#0f172a; }
.rp-cite { display:inline-block; min-width:16px; height:16px; line-height:16px; text-align:center; font-size:10px;
  font-weight:700; background:#4f46e5; color:#fff !important; border-radius:4px; margin:0 1px 0 2px;
  vertical-align:super; cursor:pointer; text-decoration:none !important; }
.rp-cite:hover { background:#312e81; }
.rp-weak { text-decoration:underline dotted #d97706; text-decoration-thickness:2px; text-underline-offset:3px; }
.rp-weak-note { margin-top:6px; }
.rp-avoid { margin-top:8px; font-size:13px; color:#92400e; background:#fffbeb; border-radius:6px; padding:4px 8px; }
#review-reject { color:#b91c1c; border-color:#fca5a5; }
.rp-counts { display:flex; flex-wrap:wrap; gap:4px 14px; font-size:13px; padding-top:8px; }
.rp-counts span { white-space:nowrap; }
.rp-sec { display:grid; grid-template-columns:118px 1fr; gap:8px; padding:3px 0; border-bottom:1px solid #f1f5f9; }
.rp-sec-label { font-size:11px; font-weight:700; text-transform:uppercase; color:#64748b; padding-top:3px; }
.rp-sources { margin-top:10px; border-top:1px solid #f1f5f9; padding-top:6px; }
.rp-src { margin:3px 0; padding:3px 6px; border-radius:6px; transition:background .3s; }
.rp-src summary { cursor:pointer; }
.rp-src[open] { background:#f8fafc; }
.rp-hl { background:#fef9c3 !important; }
.rp-sugg { border-left:4px solid var(--c); padding:6px 10px; margin:6px 0; background:#f8fafc; border-radius:6px; }
.rp-kind { color:#fff; background:var(--c); border-radius:4px; padding:0 6px; font-size:11px; font-weight:700;
  text-transform:uppercase; margin-right:4px; }
.rp-audit { width:100%; border-collapse:collapse; font-size:13px; }
.rp-audit th, .rp-audit td { text-align:left; padding:4px 8px; border:none !important;
  border-bottom:1px solid #e2e8f0 !important; }
.rp-audit th { color:#475569; font-size:12px; }
.rp-feedback { align-items:center; gap:6px; }
.rp-svg { display:inline-block; vertical-align:-2px; flex:none; }
.rp-icon { display:inline-flex; color:var(--c); }
#customer-results .wrap { max-height:210px; overflow-y:auto; }
#customer-results label span { white-space:pre-line; }  /* the second line says why the customer matched */
.rp-status { font-size:13px; }
.rp-lab-case { display:grid; grid-template-columns: 1fr 1fr 1fr; gap:10px; margin-bottom:10px; }
.rp-lab-case > div { background:#f8fafc; border-radius:8px; padding:8px; font-size:13px; white-space:pre-wrap; }
/* The desk: overdue promises on top, copy to reply, and a focus ring a keyboard user can see everywhere. */
.rp-overdue { display:flex; gap:10px; align-items:flex-start; background:#fef2f2; border:1px solid #fca5a5;
  border-left:5px solid #b91c1c; color:#7f1d1d; border-radius:10px; padding:8px 14px; }
.rp-overdue .rp-svg { width:18px; height:18px; margin-top:2px; color:#b91c1c; }
.rp-overdue-title { font-weight:700; }
.rp-overdue ul { margin:2px 0 0; padding-left:18px; }
.rp-overdue .rp-sub { color:#7f1d1d; }
.rp-copy-text { border-radius:6px; outline:1px dashed transparent; }
.rp-copy-text:hover { outline-color:#cbd5e1; }
.rp-copy { display:inline-flex; align-items:center; gap:4px; margin:6px 0 0; padding:2px 8px; font-size:12px;
  color:#3730a3; background:#eef2ff; border:1px solid #c7d2fe; border-radius:6px; cursor:pointer; }
.rp-sugg .rp-copy { margin:0 0 0 6px; vertical-align:middle; }
.rp-copy:hover { background:#e0e7ff; }
.rp-copy.rp-copied { background:#dcfce7; border-color:#86efac; color:#166534; }
.gradio-container :is(button, a, summary, input, textarea, select, [tabindex], [contenteditable]):focus-visible {
  outline:2px solid #4f46e5 !important; outline-offset:2px; }
"""
