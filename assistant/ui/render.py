"""HTML for the desk and the review queue: profile card, contact timeline, drafts with clickable sources.

Everything from the store, an agent or an API caller is text: it is escaped here, and only here, for the sink it
goes to: esc() for HTML (gr.HTML, toasts), md_text() for gr.Markdown, chat_text() for the chatbot.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from html.entities import html5

from assistant.drafting.promises import promise_due
from assistant.models import Case, Citation, Customer, Draft, DraftSentence, Fact, Handover, Interaction, Suggestion
from assistant.ui import icons

_SVG = ('<svg class="rp-svg" viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" '
        'stroke-width="1.4" stroke-linejoin="round" stroke-linecap="round" aria-hidden="true">{}</svg>')
CHANNELS: dict[str, tuple[str, str, str]] = {  # channel -> (icon, colour, label); icons are inline SVG, no fonts
    "chat": (_SVG.format('<path d="M2 3h12v8H7l-3.5 3v-3H2z"/>'), "#2563eb", "Chat"),
    "voice": (_SVG.format('<path d="M4 1.8l2.2 3-1.6 1.6a8 8 0 0 0 5 5l1.6-1.6 3 2.2-1 2.3C7.5 14.4 1.6 8.5 '
                          '1.7 2.8z"/>'), "#047857", "Call"),
    "email": (_SVG.format('<rect x="1.5" y="3.5" width="13" height="9" rx="1"/><path d="M2 4.2l6 4.6 6-4.6"/>'),
              "#7c3aed", "Email"),
    "sms": (_SVG.format('<rect x="4.5" y="1.5" width="7" height="13" rx="1.5"/><path d="M6 5.5h4M6 8h3"/>'), "#4338ca",
            "Text"),
    "branch": (_SVG.format('<path d="M1.5 6L8 2l6.5 4M3 7v5M6.3 7v5M9.7 7v5M13 7v5M1.5 13.5h13"/>'), "#b45309",
               "Branch"),
    "app": (_SVG.format('<rect x="4.5" y="1.5" width="7" height="13" rx="1.5"/><path d="M7 12.3h2"/>'), "#0e7490",
            "App"),
    "social": (_SVG.format('<circle cx="8" cy="8" r="6.3"/><path d="M1.7 8h12.6M8 1.7c2.6 3 2.6 9.6 0 12.6M8 '
                           '1.7c-2.6 3-2.6 9.6 0 12.6"/>'), "#be185d", "Social"),
    "ticket": (_SVG.format('<path d="M1.5 4.5h13v2a1.5 1.5 0 0 0 0 3v2h-13v-2a1.5 1.5 0 0 0 0-3z"/>'), "#dc2626",
               "Ticket"),
    "other": (_SVG.format('<circle cx="8" cy="8" r="3"/>'), "#64748b", "Other"),
}
# Channel and kind colours are text on white (or white on them): each is at least 4.5:1 (WCAG AA).
SUGGESTION_KINDS = {"relationship": "#0f766e", "service": "#2563eb", "sales": "#c2410c"}


def esc(value: object) -> str:
    """HTML-escape, and neutralise the braces and dollars gr.HTML's template engine would read."""
    text = html.escape(str(value), quote=True)
    return text.replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


# A '&' the HTML parser would read as a character reference: '&#', '&name;', or a legacy name without ';'.
_STARTS_REF = re.compile("&(?=#|[A-Za-z][A-Za-z0-9]*;|"
                         + "|".join(sorted((re.escape(k) for k in html5 if not k.endswith(";")), key=len,
                                           reverse=True)) + ")")
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark, each escapable in CommonMark


def chat_text(value: object) -> str:
    """Text for the chatbot (Markdown off): it still parses a message as HTML, so '<' and any '&' that would start
    a character reference are escaped, and nothing else: the copy button copies the message as written."""
    return _STARTS_REF.sub("&amp;", str(value)).replace("<", "&lt;")


def md_text(value: object) -> str:
    """Text for a Markdown sink (gr.Markdown): one line, every ASCII punctuation mark backslash-escaped, so no
    link, image, tag, heading or emphasis can come of it."""
    return _MD_PUNCT.sub(r"\\\1", " ".join(str(value).split()))


def day(value: datetime | date | None) -> str:
    return f"{value:%d %b %Y}" if value else "—"


def channel_chip(channel: str) -> str:
    icon, colour, label = CHANNELS.get(channel, CHANNELS["other"])
    return f'<span class="rp-chan" style="--c:{colour}">{icon} {esc(label)}</span>'


def empty(message: str) -> str:
    return f'<div class="rp-empty">{esc(message)}</div>'


def tenure(since: date | None, now: datetime) -> str:
    if since is None:
        return "tenure unknown"
    months = (now.year - since.year) * 12 + now.month - since.month - (now.day < since.day)
    years, rest = divmod(max(months, 0), 12)
    span = f"{years} yr {rest} mo" if years else f"{rest} mo"
    return f"customer for {span} (since {since:%b %Y})"


def _current(facts: Iterable[Fact], now: datetime, kind: str, statuses: Sequence[str]) -> list[Fact]:
    return [f for f in facts if f.kind == kind and f.status in statuses and (f.superseded_at is None
                                                                              or f.superseded_at > now)]


def profile_card(customer: Customer, facts: Sequence[Fact], interactions: Sequence[Interaction],
                 now: datetime) -> str:
    products = "".join(f'<span class="rp-tag">{esc(p)}</span>' for p in customer.products) or "none on record"
    consent = (f'<span class="rp-ok">{icons.inline("check")} marketing consent</span>' if customer.consent.marketing
               else f'<span class="rp-warn">{icons.inline("cross")} no marketing — do not sell</span>')
    contact = " · ".join(esc(x) for x in (customer.contact.email, customer.contact.phone) if x)
    issues = _current(facts, now, "issue", ("open", "escalated"))
    declined = _current(facts, now, "offer", ("declined",))
    upcoming = _current(facts, now, "life_event", ("upcoming", "ongoing"))
    promises = _current(facts, now, "promise", ("due", "open", "overdue"))
    last = interactions[-1] if interactions else None
    rows = [
        _fact_list("Open issues", issues, lambda f: (f"{f.status}", f"since {day(f.valid_from or f.recorded_at)}")),
        _fact_list("Declined offers", declined, lambda f: (
            f"declined {day(f.valid_from or f.recorded_at)}",
            f"no re-offer until {day(f.valid_to)}" if f.valid_to and f.valid_to > now else "cool-down over")),
        _fact_list("Promises", promises, lambda f: _promise_detail(f, now)),
        _fact_list("Coming up", upcoming, lambda f: (f.status, day(f.valid_from))),
    ]
    last_line = (f"Last contact {day(last.started_at)} {channel_chip(last.channel)}" if last else "No contacts yet")
    return f"""
<div class="rp-card rp-profile">
  <div class="rp-profile-head">
    <div class="rp-avatar">{esc(customer.display_name[:1].upper())}</div>
    <div><div class="rp-name">{esc(customer.display_name)}</div>
    <div class="rp-sub">{esc(customer.customer_id)} · {esc(tenure(customer.customer_since, now))}</div>
    <div class="rp-sub">{contact}</div></div>
  </div>
  <div class="rp-row"><b>Products</b> {products}</div>
  <div class="rp-row">{consent}</div>
  <div class="rp-row rp-sub">{last_line} · {len(interactions)} contacts</div>
  {''.join(rows)}
</div>"""


def _promise_detail(fact: Fact, now: datetime) -> tuple[str, ...]:
    """The profile's line for a promise, from the same decision as the overdue banner's."""
    due = promise_due(fact, now)
    return (due.state, f"due {day(due.day)}") if due.day else (due.state,)


def _fact_list(title: str, facts: Sequence[Fact], detail) -> str:  # type: ignore[no-untyped-def]
    if not facts:
        return ""
    items = "".join(
        f'<li><span>{esc(f.subject or f.text)}</span> <span class="rp-sub">{" · ".join(esc(d) for d in detail(f))}'
        f'</span></li>'
        for f in facts
    )
    return f'<div class="rp-facts"><div class="rp-facts-title">{esc(title)}</div><ul>{items}</ul></div>'


def timeline(interactions: Sequence[Interaction], now: datetime, cases: Sequence[Case] | None = None) -> str:
    """A strip of contacts over time (one dot per contact, coloured by channel), then the contacts by case (most
    recently active first), or by day when there are no cases."""
    if not interactions:
        return empty("No contacts on record.")
    first = min(i.started_at for i in interactions)
    span = max((now - first).total_seconds(), 1.0)
    dots = "".join(
        f'<span class="rp-dot" title="{esc(day(i.started_at))} · {esc(i.channel)}" '
        f'style="left:{min(max((i.started_at - first).total_seconds() / span, 0), 1) * 100:.1f}%;'
        f'--c:{CHANNELS.get(i.channel, CHANNELS["other"])[1]}"></span>'
        for i in interactions
    )
    legend = "".join(channel_chip(c) for c in sorted({i.channel for i in interactions}))
    days: dict[date, list[Interaction]] = {}
    for inter in sorted(interactions, key=lambda i: i.started_at, reverse=True):
        days.setdefault(inter.started_at.date(), []).append(inter)
    groups = "".join(
        f'<div class="rp-day"><div class="rp-day-label">{esc(day(d))}</div>{"".join(_contact(i) for i in items)}</div>'
        for d, items in days.items()
    )
    if cases:
        by_id = {i.interaction_id: i for i in interactions}
        groups = "".join(
            f'<div class="rp-day rp-case" data-case="{esc(c.case_id)}"><div class="rp-day-label">'
            f'{esc(_clip(c.title or "Case", 70))} · <b>{esc(c.status)}</b> · {esc(c.team)} · '
            f'{len(c.contacts)} contact{"s" if len(c.contacts) != 1 else ""} since {esc(day(c.started_at))}</div>'
            + "".join(_contact(by_id[k.interaction_id]) for k in reversed(c.contacts) if k.interaction_id in by_id)
            + "</div>" for c in cases)
    return f"""<div class="rp-card rp-timeline">
  <div class="rp-strip">{dots}</div>
  <div class="rp-strip-axis"><span>{esc(day(first))}</span><span>now</span></div>
  <div class="rp-legend">{legend}</div>
  <div class="rp-days">{groups}</div>
</div>"""


def _contact(inter: Interaction) -> str:
    icon, colour, _ = CHANNELS.get(inter.channel, CHANNELS["other"])
    opener = next((t.text for t in inter.turns if t.speaker == "customer"), inter.turns[0].text)
    tags = "".join(f'<span class="rp-tag">{esc(t)}</span>' for t in inter.tags[:4])
    outcome = f'<span class="rp-outcome">{esc(inter.outcome)}</span>' if inter.outcome else ""
    return f"""<details class="rp-contact" style="--c:{colour}">
  <summary><span class="rp-icon">{icon}</span><span class="rp-time">{inter.started_at:%H:%M}</span>
  <span class="rp-opener">{esc(_clip(opener, 90))}</span>{outcome}</summary>
  <div class="rp-contact-body"><div class="rp-sub">{esc(inter.interaction_id)} {tags}</div>
  {turns_html(inter, None)}</div>
</details>"""


def turns_html(inter: Interaction, turn_ids: Sequence[str] | None) -> str:
    wanted = set(turn_ids or [])
    turns = [t for t in inter.turns if not wanted or t.turn_id in wanted]
    return "".join(
        f'<div class="rp-turn rp-{esc(t.speaker)}"><span class="rp-speaker">{esc(t.speaker)}</span> {esc(t.text)}</div>'
        for t in turns
    )


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class Sources:
    """Numbers citations in order of first use and renders them as expandable source entries."""

    def __init__(self, interactions: Mapping[str, Interaction], prefix: str) -> None:
        self.interactions, self.prefix = interactions, prefix
        self.order: dict[tuple[str, tuple[str, ...]], int] = {}
        self.citations: list[Citation] = []

    def mark(self, citations: Sequence[Citation]) -> str:
        chips = []
        for c in citations:
            n = self.order.setdefault(c.key(), len(self.order) + 1)
            if n > len(self.citations):
                self.citations.append(c)
            chips.append(f'<a class="rp-cite" data-src="{esc(self.prefix)}-{n}" title="Show the source" '
                         f'contenteditable="false">{n}</a>')  # in an editable draft, typing never lands in a chip
        return "".join(chips)

    def html(self) -> str:
        if not self.citations:
            return '<div class="rp-sources rp-sub">No sources cited.</div>'
        items = []
        for n, c in enumerate(self.citations, start=1):
            inter = self.interactions.get(c.interaction_id)
            if inter is None:
                items.append(f'<div class="rp-src rp-sub">[{n}] {esc(c.interaction_id)} (not in this history)</div>')
                continue
            order = {t.turn_id: i for i, t in enumerate(inter.turns)}  # as spoken, not as cited
            listed = sorted(c.turn_ids, key=lambda t: order.get(t, len(order)))
            span = f"turns {esc(', '.join(listed))}" if c.turn_ids else "whole contact"
            items.append(
                f'<details class="rp-src" id="{esc(self.prefix)}-{n}"><summary><b>[{n}]</b> '
                f'{channel_chip(inter.channel)} {esc(day(inter.started_at))} · {span}</summary>'
                f'{turns_html(inter, c.turn_ids)}</details>'
            )
        return f'<div class="rp-sources"><div class="rp-facts-title">Sources</div>{"".join(items)}</div>'


SECTION_LABELS = {"who": "Who", "reason": "Why in touch", "summary": "This contact", "done": "Done so far",
                  "status": "Status", "provided": "Already provided", "feeling": "How they feel",
                  "next_step": "Next step", "introduction": "Introduction"}
_WEAK = "Weakly supported by the cited turns: check the source before using it"


def _sentence(s: DraftSentence, sources: Sources) -> str:
    weak = s.grounded is False
    span = f'<span class="rp-weak" title="{_WEAK}">' if weak else "<span>"
    return f"{span}{esc(s.text)}</span>{sources.mark(s.citations)}"


def _sectioned(draft: Draft, sources: Sources) -> str | None:
    """A handover's named sections as a labelled list; None for other drafts or sections that do not fit."""
    sections = {k: v for k, v in draft.sections.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}
    if draft.kind != "handover" or not sections or not draft.sentences:
        return None
    pool = list(draft.sentences)
    rows = []
    for key, texts in sections.items():
        if not texts:
            continue
        parts = []
        for text in texts:
            found = next((s for s in pool if s.text == text), None)
            if found is not None:
                pool.remove(found)
            parts.append(_sentence(found or DraftSentence(text=text), sources))
        rows.append(f'<div class="rp-sec"><div class="rp-sec-label">{esc(SECTION_LABELS.get(key, key))}</div>'
                    f'<div>{" ".join(parts)}</div></div>')
    return "".join(rows) + "".join(f"<div>{_sentence(s, sources)}</div>" for s in pool)


def draft_card(draft: Draft, interactions: Mapping[str, Interaction], prefix: str, title: str = "",
               copy_as: str = "") -> str:
    """A draft with numbered sources; copy_as names it ("the greeting") to make its text editable, with a copy
    button (copying.COPY_JS)."""
    sources = Sources(interactions, prefix)
    body = _sectioned(draft, sources)
    if body is None and draft.sentences:
        body = " ".join(_sentence(s, sources) for s in draft.sentences)
    if body is None:
        body = f"{esc(draft.text)}{sources.mark(draft.citations)}"
    sources.mark(draft.citations)
    if copy_as:
        body = (f'<div class="rp-copy-holder" data-copy-holder>{copy_text(body, copy_as)}'
                f'{copy_button(0, copy_as)}</div>')
    avoid = draft.sections.get("do_not_ask") if draft.kind != "handover" else None
    if isinstance(avoid, list) and avoid:
        body += ('<div class="rp-avoid"><b>Don\'t ask or offer again:</b> '
                 + "; ".join(esc(x) for x in avoid) + "</div>")
    weak = sum(1 for s in draft.sentences if s.grounded is False)
    note = (f'<div class="rp-sub rp-weak-note"><span class="rp-weak">dotted</span>: {weak} sentence(s) weakly '
            "supported by their sources: check before use</div>") if weak else ""
    meta = draft.metadata
    stamp = " · ".join(esc(x) for x in (meta.get("drafter"), meta.get("prompt_version"), meta.get("fallback")) if x)
    head = (f'<div class="rp-draft-title"><span>{esc(title)}</span><span class="rp-sub">{stamp}</span></div>'
            if title else "")
    return f'<div class="rp-card rp-draft">{head}<div class="rp-draft-text">{body}</div>{note}{sources.html()}</div>'


def suggestion_cards(suggestions: Sequence[Suggestion], interactions: Mapping[str, Interaction]) -> str:
    if not suggestions:
        return empty("Nothing to suggest for this customer right now.")
    sources = Sources(interactions, "sug")
    cards = "".join(
        f'<div class="rp-sugg" data-copy-holder style="--c:{SUGGESTION_KINDS.get(s.kind, "#64748b")}">'
        f'<span class="rp-kind">{esc(s.kind)}</span> <b>{copy_text(esc(s.text), f"suggestion {n}", "span")}</b>'
        f'{sources.mark(s.citations)} {copy_button(n - 1, f"suggestion {n}")}'
        f'<div class="rp-sub">Why: {esc(s.reason)}</div></div>'
        for n, s in enumerate(suggestions, start=1)
    )
    return f'<div class="rp-card">{cards}{sources.html()}</div>'


def numbered_answer(draft: Draft) -> tuple[str, list[Citation]]:
    """A chat answer as plain text with [n] after each cited sentence, and the citations in that order."""
    order: dict[tuple[str, tuple[str, ...]], int] = {}
    cited: list[Citation] = []

    def marks(citations: Sequence[Citation]) -> str:
        out = []
        for c in citations:
            if c.key() not in order:
                order[c.key()] = len(order) + 1
                cited.append(c)
            out.append(f"[{order[c.key()]}]")
        return "".join(out)

    if draft.sentences:
        text = " ".join(s.text + (" " + marks(s.citations) if s.citations else "") for s in draft.sentences)
        before = len(cited)
        marks(draft.citations)
        if len(cited) > before:  # sources only the answer as a whole cites
            text += " " + "".join(f"[{n}]" for n in range(before + 1, len(cited) + 1))
    else:
        text = draft.text + (" " + marks(draft.citations) if draft.citations else "")
    return text, cited


def answer_sources_html(citations: Sequence[Citation], interactions: Mapping[str, Interaction]) -> str:
    """The cited turns of a chat answer, as the collapsible 'Sources' message (HTML, the turns escaped)."""
    lines = []
    for n, c in enumerate(citations, start=1):
        inter = interactions.get(c.interaction_id)
        if inter is None:
            lines.append(f"<div><b>[{n}]</b> {esc(c.interaction_id)}</div>")
            continue
        label = CHANNELS.get(inter.channel, CHANNELS["other"])[2]
        lines.append(f"<div><b>[{n}] {esc(label)} · {esc(day(inter.started_at))}</b> · {esc(c.interaction_id)}</div>")
        wanted = set(c.turn_ids)
        lines += [f"<blockquote><i>{esc(t.speaker)}:</i> {esc(t.text)}</blockquote>" for t in inter.turns
                  if not wanted or t.turn_id in wanted]
    if not lines:
        return "No sources."
    return (f'<details class="rp-chat-sources"><summary>Sources ({len(citations)}): the turns this answer rests on'
            f'</summary>{"".join(lines)}</details>')


def audit_table(entries: Sequence[object]) -> str:
    if not entries:
        return empty("No audit entries yet.")
    rows = "".join(
        f"<tr><td>{e.at:%Y-%m-%d %H:%M}</td><td>{esc(e.actor)}</td><td><b>{esc(e.action)}</b></td>"  # type: ignore[attr-defined]
        f"<td>{esc(e.detail.get('comment') or e.detail.get('target') or '')}</td></tr>"  # type: ignore[attr-defined]
        for e in entries
    )
    return f'<table class="rp-audit"><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Note</th></tr>{rows}</table>'


def sources_panel(draft: Draft, interactions: Mapping[str, Interaction], focus: str | None) -> str:
    """Review: the summary's sources, plus the handed-over contact in full."""
    card = draft_card(draft, interactions, "rev", "As drafted")
    inter = interactions.get(focus or "") if focus else None
    if inter is None and interactions:
        inter = max(interactions.values(), key=lambda i: i.started_at)
    if inter is None:
        return card
    return (f'{card}<div class="rp-card"><div class="rp-facts-title">Handed-over contact '
            f'{channel_chip(inter.channel)} {esc(day(inter.started_at))}</div>{turns_html(inter, None)}</div>')


def inbox(handovers: Sequence[Handover], now: datetime) -> str:
    """Handovers waiting for the agent or their team, newest first: who, to whom, the headline."""
    if not handovers:
        return empty("No handovers waiting for you.")
    rows = "".join(
        f'<div class="rp-inbox-item" data-handover="{esc(h.handover_id)}"><div class="rp-day-label">'
        f'<b>{esc(h.customer_id)}</b> → {esc(h.to_agent or h.to_team)} · from {esc(h.from_agent or "?")} · '
        f'{esc(day(h.created_at))} {h.created_at:%H:%M}</div><div>{esc(_clip(h.headline, 400))}</div></div>'
        for h in handovers)
    return f'<div class="rp-card rp-inbox">{rows}</div>'


COPY_ICON = _SVG.format('<rect x="5.5" y="5.5" width="8.5" height="9" rx="1.5"/><path d="M10.5 5.5V3a1.5 1.5 0 0 '
                        '0-1.5-1.5H3.5A1.5 1.5 0 0 0 2 3v6.5A1.5 1.5 0 0 0 3.5 11h2"/>')
OVERDUE_ICON = _SVG.format('<circle cx="8" cy="8" r="6.3"/><path d="M8 4.3V8l2.6 1.6"/>')


def copy_text(body: str, what: str, tag: str = "div") -> str:
    """Already-rendered draft text the agent may reword before copying it (the copy says whether they did)."""
    return (f'<{tag} class="rp-copy-text" contenteditable="plaintext-only" role="textbox" spellcheck="true" '
            f'aria-label="{esc(what.capitalize())}: edit before copying if needed">{body}</{tag}>')


def copy_button(index: int, what: str) -> str:
    """The copy-to-reply button of a [data-copy-holder]; index tells the server which text was copied."""
    return (f'<button type="button" class="rp-copy" data-copy="{index}" title="Copy {esc(what)} to your reply" '
            f'aria-label="Copy {esc(what)}">{COPY_ICON}<span>Copy</span></button>')


def answer_copy(draft: Draft) -> str:
    """The latest chat answer as text the agent may reword and copy: its sentences only, no citation numbers or
    sources (the chat's own copy button would copy those as markup)."""
    text = " ".join(s.text for s in draft.sentences) if draft.sentences else draft.text
    return (f'<div class="rp-copy-holder" data-copy-holder>{copy_text(esc(text), "the answer")}'
            f'{copy_button(0, "the answer")}</div>')


def overdue_promises(facts: Sequence[Fact], now: datetime) -> str:
    """The promises overdue at `now`, oldest first, for the top of the desk ('' when there are none): state and day
    from promise_due, as the profile's list says them."""
    late = sorted(((f, due) for f in facts if f.kind == "promise" and (f.superseded_at is None or f.superseded_at > now)
                   and (due := promise_due(f, now)).overdue), key=lambda pair: pair[1].day or now.date())
    if not late:
        return ""
    items = "".join(f'<li><b>{esc(f.subject or f.text)}</b>'
                    + (f' <span class="rp-sub">was due {esc(day(due.day))}</span>' if due.day else "") + "</li>"
                    for f, due in late)
    title = "Overdue promise" if len(late) == 1 else f"{len(late)} overdue promises"
    return (f'<div class="rp-overdue" role="status">{OVERDUE_ICON}<div><div class="rp-overdue-title">{title}: '
            f'follow up first</div><ul>{items}</ul></div></div>')
