"""Threading on what is exact in a contact (a reply to our e-mail, a reference in a subject line, a claim number
said in groups of digits) and on what a chase is about. Histories in new wording (from the reviews of set q)."""

from __future__ import annotations

from histories import contact, one_customer

from assistant.language.chasing import chased_about

assistant_with = one_customer("ola", "Ola Brennan")


def grouping(a) -> set[frozenset[str]]:
    return {frozenset(c.interaction_ids()) for c in a.cases("ola")}


def test_a_reply_to_our_email_weeks_later_joins_the_case_it_answers(assistant_with):
    a = assistant_with(
        contact("o1", "2026-08-20T10:00:00Z", ("customer", "I'd like to move my cash savings account over to you "
                "from Kestrel building society please, the form is attached."), customer="ola", channel="email"),
        contact("o2", "2026-09-10T09:00:00Z", ("agent", "Subject: Your savings move has finished\n\nDear Ola,\n\n"
                "Good news, the money from Kestrel has arrived and is earning from today."), customer="ola",
                channel="email", outcome="Completed"),
        contact("o3", "2026-10-25T21:00:00Z", ("customer", "Subject: RE: Your savings move has finished\n\nHello,\n\n"
                "Sorry to bring this up again. The statement shows less than you wrote to me."), customer="ola",
                channel="email"),
    )
    assert frozenset({"o2", "o3"}) <= next(g for g in grouping(a) if "o3" in g)


def test_a_reference_in_a_subject_line_threads_a_long_case_told_in_different_words(assistant_with):
    a = assistant_with(
        contact("b1", "2026-10-02T10:00:00Z", ("customer", "My father passed away last week and I have his life "
                "policy papers here."), ("agent", "I'm so sorry. Your reference is BER-3310-8801."),
                customer="ola", tags=["bereavement"]),
        contact("b2", "2026-10-09T10:00:00Z", ("customer", "Subject: BER-3310-8801 John Brennan\n\nDear team,\n\n"
                "Please find the signed form attached."), customer="ola", channel="email"),
        contact("b3", "2026-10-30T10:00:00Z", ("customer", "Subject: RE: BER-3310-8801 John Brennan - form\n\n"
                "Hello, I took a copy to the Leeds branch on Monday as well."), customer="ola", channel="email"),
        contact("b4", "2026-11-12T10:00:00Z", ("customer", "It's raining again here, sorry to be a bother."),
                ("customer", "I'm ringing about BER-3310-8801, has anything moved?"), customer="ola"),
    )
    assert frozenset({"b1", "b2", "b3", "b4"}) in grouping(a)


def test_a_claim_number_said_in_groups_of_digits_is_one_reference(assistant_with):
    a = assistant_with(
        contact("c1", "2026-10-01T10:00:00Z", ("customer", "A van reversed into my car in the car park this morning."),
                ("agent", "I've opened claim 0113 552 7716 for you."), customer="ola"),
        contact("c2", "2026-10-20T10:00:00Z", ("customer", "Subject: Claim 0113 552 7716 - the garage\n\n"
                "Hi, the garage wants to know who pays for the hire car."), customer="ola", channel="email"),
    )
    assert frozenset({"c1", "c2"}) in grouping(a)


def test_what_a_chase_is_about_is_the_problem_not_the_silence():
    assert chased_about("I emailed on Monday about a charge of sixty pounds and nobody has answered.") \
        == "a charge of sixty pounds"
    assert chased_about("I rang about it and nobody called back") == ""  # says nothing of what
    assert chased_about("My card was charged twice") == ""  # not a chase
