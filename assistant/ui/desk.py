"""The agent desk: find the customer, see who they are and their contacts, greet, suggest, ask, hand over."""

from datetime import datetime
from typing import Any

import gradio as gr

from assistant.api.deps import Services
from assistant.errors import InputError
from assistant.memory.customer_search import CustomerMatch, no_match
from assistant.models import Draft, Interaction, Suggestion, as_utc, utcnow
from assistant.ui import icons, render
from assistant.ui.copying import COPY_JS, copy_recorder
from assistant.ui.keys import KEYS_JS
from assistant.ui.login import guarded, session_user
from assistant.ui.status import live_status
from assistant.ui.theme import SOURCES_JS

EXAMPLE_QUESTIONS = ["What was the last contact about?", "Is anything still open?", "Has she declined any offers?"]


def parse_as_of(text: str | None) -> datetime | None:
    """The desk's optional 'as of' time (replaying history); blank means now."""
    if not text or not text.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError as exc:
        raise InputError(f"not an ISO-8601 time ('{text}'), e.g. 2026-03-01T09:00", field="as_of") from exc


def result_choices(found: list[CustomerMatch]) -> list[tuple[str, str]]:
    """One choice per customer found, with a second line saying why it matched (none when nothing was typed)."""
    return [(f"{m.customer.display_name} · {m.customer.customer_id}" + (f"\nmatched: {m.why}" if m.why else ""),
             m.customer.customer_id) for m in found]


def results_label(text: str | None, found: list[CustomerMatch]) -> str:
    if not (text or "").strip():
        return f"Customers ({len(found)})"
    if found:
        return f"Customers ({len(found)} found)"
    message = no_match(text or "")
    return message[0].upper() + message[1:]


def contact_label(inter: Interaction) -> str:
    label = render.CHANNELS.get(inter.channel, render.CHANNELS["other"])[2]
    return f"{inter.started_at:%d %b %Y %H:%M} · {label} · {inter.outcome or inter.interaction_id}"


def suggestions_draft(customer_id: str, suggestions: list[Suggestion], svc: Services) -> Draft:
    """Suggestions are rated as one draft; the version is the active suggestions prompt (or the rules)."""
    drafter = "grounded" if svc.settings.llm == "none" else "llm"
    version = svc.settings.prompt_versions.get("suggestions") if drafter == "llm" else None
    return Draft(kind="suggestions", customer_id=customer_id, text="\n".join(s.text for s in suggestions),
                 citations=[c for s in suggestions for c in s.citations],
                 metadata={"drafter": drafter, "prompt_version": version})


def feedback_row(svc: Services, draft_state: gr.State, what: str, *, thumbs: bool = True) -> gr.Markdown:
    """Helpful / not helpful / used / edited on a draft, recorded with its type, prompt version, user and time.
    thumbs=False where the component rates on its own (the chat's per-message thumbs). Icons are the app's SVG
    files, so they draw on a machine without an emoji font."""
    with gr.Row(elem_classes="rp-feedback"):
        buttons = [
            (gr.Button("Helpful", icon=icons.file("thumb-up"), size="sm", scale=0, min_width=96,
                       elem_id=f"{what}-up", visible=thumbs), "up", None),
            (gr.Button("Not helpful", icon=icons.file("thumb-down"), size="sm", scale=0, min_width=116,
                       elem_id=f"{what}-down", visible=thumbs), "down", None),
            (gr.Button("Used as is", icon=icons.file("check"), size="sm", scale=0, min_width=110,
                       elem_id=f"{what}-used"), None, "used"),
            (gr.Button("Used with edits", icon=icons.file("pencil"), size="sm", scale=0, min_width=140,
                       elem_id=f"{what}-edited"), None, "edited"),
        ]
        status = gr.Markdown(elem_classes="rp-status", elem_id=f"{what}-feedback-status")
    for button, rating, usage in buttons:
        button.click(_recorder(svc, rating, usage), [draft_state], [status], api_visibility="private")
    return status  # the desk clears it when the customer changes


def _recorder(svc: Services, rating: str | None, usage: str | None):  # type: ignore[no-untyped-def]
    @guarded
    def record(draft: dict | None, request: gr.Request) -> str:
        user = session_user(svc, request, "feedback")
        if not draft:
            return "Nothing to rate yet."
        svc.reviews.feedback(Draft.model_validate(draft), user=user, rating=rating, usage=usage)
        said = {"up": "helpful", "down": "not helpful", "used": "used as is",
                "edited": "used with edits"}[rating or usage or ""]
        return f"Recorded {said}"

    return record


INBOX_POLL_S = 5.0  # how often the desk looks for handovers addressed to the agent or their team
OK = gr.validate(True, "")  # a validator's answer for a field with nothing wrong


def as_of_valid(text: str | None) -> dict[str, Any]:
    try:
        parse_as_of(text)
    except InputError as exc:
        return gr.validate(False, f"As of: {exc.reason}")
    return OK


def check_open(cid: str | None, when: str | None) -> list[dict[str, Any]]:
    """Validator of opening a customer (a bad 'as of' is said beside that field, nothing else is touched).
    Validators see only what the browser sends: a State reads as its initial value there, so none is checked."""
    return [OK, as_of_valid(when)]


def check_ask(cid: str | None, text: str | None, history: list, known: dict, when: str | None) -> list[dict[str, Any]]:
    return [OK, OK, OK, OK, as_of_valid(when)]


def check_handover(cid: str | None, interaction_id: str | None, to: str | None,
                   when: str | None) -> list[dict[str, Any]]:
    return [OK, OK, gr.validate(bool(to), "Pick the team or agent taking over."), as_of_valid(when)]


def destinations(svc: Services) -> list[tuple[str, str]]:
    """The teams and agents of the teams file, as the hand-over picker offers them."""
    where = svc.assistant.inbox.destinations()
    return [(f"Team: {t}", f"team:{t}") for t in where["teams"]] + [(f"Agent: {a}", f"agent:{a}")
                                                                    for a in where["agents"]]


def build_desk(svc: Services, demo: gr.Blocks) -> None:
    """The desk's components and events, inside the caller's Blocks/Tab context."""
    customer_id = gr.State(None)
    greeting_state, suggestions_state, handover_state = gr.State(None), gr.State(None), gr.State(None)
    answers = gr.State({})  # chat message index -> the answer Draft, for thumbs on answers
    last_answer = gr.State(None)  # the latest answer Draft, for used / used with edits

    overdue = gr.HTML("", elem_id="overdue", js_on_load=KEYS_JS)  # the first thing to deal with, at the top
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            with gr.Group():
                query = gr.Textbox(label="Find a customer", placeholder="Name, customer id, email or phone",
                                   elem_id="customer-search", lines=1, max_lines=1)
                results = gr.Radio(label="Customers", choices=[], elem_id="customer-results")
            with gr.Accordion("Replay as of a past time", open=False):
                as_of = gr.Textbox(label="As of (ISO-8601, blank = now)", placeholder="2026-03-01T09:00",
                                   elem_id="as-of")
            with gr.Accordion("Handovers for you", open=True, elem_id="inbox-panel"):
                inbox = gr.HTML(render.empty("No handovers waiting for you."), elem_id="inbox")
                with gr.Row():
                    pick = gr.Dropdown(label="Handover", choices=[], elem_id="inbox-pick", scale=3)
                    take = gr.Button("Take it", variant="primary", elem_id="take-handover", scale=1, min_width=80)
                inbox_notice = live_status("inbox-notice")  # a handover that just arrived
                inbox_status = live_status("inbox-status")  # what Take it did
                seen = gr.State(None)  # handover ids already listed (None before the first look): a new one, a notice
                poll = gr.Timer(INBOX_POLL_S)
            profile = gr.HTML(render.empty("Find a customer to start."), elem_id="profile")
            timeline = gr.HTML("", elem_id="timeline", js_on_load=None)
        with gr.Column(scale=7):
            with gr.Row(equal_height=False):
                with gr.Column():
                    gr.Markdown("#### Greeting")
                    greeting = gr.HTML(render.empty("The greeting appears here."), elem_id="greeting",
                                       js_on_load=SOURCES_JS + COPY_JS)
                    greeting_status = feedback_row(svc, greeting_state, "greeting")
                with gr.Column():
                    gr.Markdown("#### Suggestions")
                    suggestions = gr.HTML(render.empty("Suggestions appear here."), elem_id="suggestions",
                                          js_on_load=SOURCES_JS + COPY_JS)
                    suggestions_status = feedback_row(svc, suggestions_state, "suggestions")
            with gr.Row(equal_height=False):
                with gr.Column():
                    gr.Markdown("#### Ask about this customer")
                    chat = gr.Chatbot(elem_id="chat", height=340, show_label=False, layout="panel",
                                      placeholder="Every answer cites the contacts it comes from.",
                                      buttons=[], render_markdown=False, latex_delimiters=[])  # its copy: markup
                    with gr.Row():
                        question = gr.Textbox(show_label=False, placeholder="e.g. What was the last contact about?",
                                              elem_id="question", scale=5, lines=1, max_lines=3)
                        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
                    gr.Markdown("Latest answer:", elem_classes="rp-status")
                    answer_copy = gr.HTML("", elem_id="answer-copy", js_on_load=COPY_JS)
                    answer_status = feedback_row(svc, last_answer, "answer", thumbs=False)
                    gr.Examples(EXAMPLE_QUESTIONS, inputs=[question], label="Try")
                with gr.Column():
                    gr.Markdown("#### Hand over")
                    with gr.Group():
                        contact = gr.Dropdown(label="Contact being handed over", choices=[], elem_id="handover-contact")
                        target = gr.Dropdown(label="To (team or agent)", choices=destinations(svc), value=None,
                                             elem_id="handover-target")
                    hand_over = gr.Button("Hand over", variant="secondary", elem_id="hand-over")
                    handover_status = live_status("handover-status")
                    handover = gr.HTML("", elem_id="handover", js_on_load=SOURCES_JS)
                    handover_status_fb = feedback_row(svc, handover_state, "handover")
    # Everything of one customer the next must not inherit: set on opening a customer, blank without one.
    per_customer = [customer_id, profile, timeline, contact, chat, answers, handover, handover_status, overdue, target,
                    handover_state, last_answer, question, greeting_status, suggestions_status, answer_status,
                    handover_status_fb, answer_copy]

    @guarded
    def find(text: str, current: str | None, request: gr.Request) -> Any:
        session_user(svc, request, "read")
        found = svc.assistant.find_customers(text, limit=50)
        keep = current if current in {m.customer.customer_id for m in found} else None  # typing keeps it open
        return gr.Radio(choices=result_choices(found), value=keep, label=results_label(text, found))

    @guarded
    def open_customer(cid: str | None, when: str, request: gr.Request) -> Any:
        session_user(svc, request, "read")
        blank = render.empty("Find a customer to start.")
        fresh = ("", gr.Dropdown(value=None), None, None, "", "", "", "", "", "")  # banner .. the answer's copy
        if not cid:
            return None, blank, "", gr.Dropdown(choices=[], value=None), [], {}, "", "", *fresh
        now = parse_as_of(when) or utcnow()
        customer = svc.assistant.customer(cid)
        history = [i for i in svc.assistant.interactions(cid) if i.started_at <= now]
        facts = svc.assistant.facts(cid, now=now)
        latest = history[-1].interaction_id if history else None
        choices = [(contact_label(i), i.interaction_id) for i in reversed(history)]
        cases = svc.assistant.cases(cid, now=now)
        return (cid, render.profile_card(customer, facts, history, now), render.timeline(history, now, cases),
                gr.Dropdown(choices=choices, value=latest), [], {}, "", "", render.overdue_promises(facts, now),
                *fresh[1:])

    @guarded
    def drafts(cid: str | None, when: str, request: gr.Request) -> Any:
        session_user(svc, request, "read")
        if not cid:
            return render.empty("The greeting appears here."), None, render.empty("Suggestions appear here."), None
        now = parse_as_of(when)
        by_id = {i.interaction_id: i for i in svc.assistant.interactions(cid)}
        greet = svc.assistant.greeting(cid, now=now)
        sugg = svc.assistant.suggestions(cid, now=now)
        return (render.draft_card(greet, by_id, "greet", copy_as="the greeting"), greet.model_dump(mode="json"),
                render.suggestion_cards(sugg, by_id), suggestions_draft(cid, sugg, svc).model_dump(mode="json"))

    @guarded
    def ask_question(cid: str | None, text: str, history: list, known: dict, when: str,
                     request: gr.Request) -> Any:
        session_user(svc, request, "read")
        if not cid:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), "Pick a customer first.", gr.skip()
        if not text or not text.strip():
            return history, known, text, gr.skip(), gr.skip(), gr.skip()
        draft = svc.assistant.ask(cid, text.strip(), now=parse_as_of(when))
        by_id = {i.interaction_id: i for i in svc.assistant.interactions(cid)}
        answer, cited = render.numbered_answer(draft)
        history = [*history, {"role": "user", "content": render.chat_text(text.strip())},
                   {"role": "assistant", "content": render.chat_text(answer)}]
        known = {**known, str(len(history) - 1): draft.model_dump(mode="json")}
        if cited:
            # A <details> of our own, not Gradio's metadata panel: that one nests an unnamed button in a
            # role=button title (axe: critical and serious).
            history.append({"role": "assistant", "content": render.answer_sources_html(cited, by_id)})
            known[str(len(history) - 1)] = known[str(len(history) - 2)]
        return history, known, "", draft.model_dump(mode="json"), "", render.answer_copy(draft)

    @guarded
    def rate_answer(known: dict, event: gr.LikeData, request: gr.Request) -> Any:
        user = session_user(svc, request, "feedback")
        index = event.index if isinstance(event.index, int) else event.index[0]
        draft = known.get(str(index))
        if not draft or event.liked not in (True, False):
            return gr.skip()
        svc.reviews.feedback(Draft.model_validate(draft), user=user, rating="up" if event.liked else "down")
        return f"Recorded: answer rated {'helpful' if event.liked else 'not helpful'}"  # beside it, not a toast

    @guarded
    def do_handover(cid: str | None, interaction_id: str | None, to: str | None, when: str,
                    request: gr.Request) -> Any:
        user = session_user(svc, request, "handover")
        if not cid:
            return gr.skip(), "Pick a customer first.", gr.skip()
        if not to:  # the validator says it beside the picker; this is for a caller that skips it
            return gr.skip(), "Pick the team or agent taking over.", gr.skip()
        kind, _, name = to.partition(":")
        now = parse_as_of(when) or utcnow()
        history = svc.assistant.interactions(cid)
        sent = svc.assistant.send_handover(cid, to_team=name if kind == "team" else None,
                                           to_agent=name if kind == "agent" else None, sender=user,
                                           interaction_id=interaction_id, now=now)
        draft = sent.draft or svc.assistant.handover(cid, interaction_id=interaction_id, now=now)
        status = f"Sent to <b>{render.esc(sent.to_agent or sent.to_team)}</b>" \
                 f" (handover {render.esc(sent.handover_id)})."
        if svc.assistant.inbox.needs_review(sent):
            review = svc.reviews.submit(draft, user=user, now=now, customer=svc.assistant.customer(cid),
                                        interactions=history, interaction_id=interaction_id,
                                        target=sent.to_agent or sent.to_team)
            status += f" Also sent to supervisor review as <b>#{review.review_id}</b>."
        by_id = {i.interaction_id: i for i in history}
        return render.draft_card(draft, by_id, "hand", "Handover summary"), status, draft.model_dump(mode="json")

    @guarded
    def refresh_inbox(known: list | None, request: gr.Request) -> Any:
        user = session_user(svc, request, "read")
        waiting = svc.assistant.inbox.for_user(user, waiting_only=True)
        fresh = [h for h in waiting if h.handover_id not in (known or [])]
        notice = gr.skip()  # the last notice stays until a newer one: it is no pop-up covering anything
        if fresh and known is not None:  # on opening the desk, the list itself says what is waiting
            notice = render.esc(f"New handover at {utcnow():%H:%M} UTC for {fresh[0].to_agent or fresh[0].to_team}: "
                                f"{fresh[0].customer_id}" + (f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""))
        choices = [(f"{h.customer_id} · {h.to_agent or h.to_team} · {h.created_at:%d %b %H:%M}", h.handover_id)
                   for h in waiting]
        return (render.inbox(waiting, utcnow()), gr.Dropdown(choices=choices, value=choices[0][1] if choices else None),
                [h.handover_id for h in waiting], notice)

    @guarded
    def take_handover(handover_id: str | None, request: gr.Request) -> Any:
        user = session_user(svc, request, "read")
        if not handover_id:
            return gr.skip(), "No handover picked."
        taken = svc.assistant.take_handover(handover_id, user)
        customer = svc.assistant.customer(taken.customer_id)
        return (gr.Radio(choices=[(f"{customer.display_name} · {customer.customer_id}", customer.customer_id)],
                         value=customer.customer_id),
                f"Taken: <b>{render.esc(customer.display_name)}</b> — {render.esc(taken.headline)}")

    private: dict[str, Any] = {"api_visibility": "private"}
    query.submit(find, [query, results], [results], **private)
    query.change(find, [query, results], [results], trigger_mode="always_last", **private)
    # A validator runs first: a wrong field gets its message beside it, and nothing else on screen changes. It reads
    # the picked customer and contact from States: Gradio's validator checks a Radio's or Dropdown's value against
    # the choices it was built with, not those the session was given since.
    chosen, contact_choice = gr.State(None), gr.State(None)
    contact.change(lambda value: value, [contact], [contact_choice], queue=False, **private)
    for trigger in (results.change(lambda value: value, [results], [chosen], queue=False, **private).then,
                    as_of.submit):
        trigger(open_customer, [chosen, as_of], per_customer, validator=check_open, **private).then(
            drafts, [customer_id, as_of], [greeting, greeting_state, suggestions, suggestions_state], **private)
    for trigger in (question.submit, ask.click):
        trigger(ask_question, [customer_id, question, chat, answers, as_of],
                [chat, answers, question, last_answer, answer_status, answer_copy], validator=check_ask, **private)
    chat.like(rate_answer, [answers], [answer_status], **private)
    answer_copy.copy(copy_recorder(svc), [last_answer], [answer_status], **private)
    greeting.copy(copy_recorder(svc), [greeting_state], [greeting_status], **private)
    suggestions.copy(copy_recorder(svc), [suggestions_state], [suggestions_status], **private)
    hand_over.click(do_handover, [customer_id, contact_choice, target, as_of],
                    [handover, handover_status, handover_state], validator=check_handover, **private)
    demo.load(find, [query, results], [results], **private)
    demo.load(refresh_inbox, [seen], [inbox, pick, seen, inbox_notice], **private)
    poll.tick(refresh_inbox, [seen], [inbox, pick, seen, inbox_notice], **private)
    take.click(take_handover, [pick], [results, inbox_status], **private).then(
        refresh_inbox, [seen], [inbox, pick, seen, inbox_notice], **private)
