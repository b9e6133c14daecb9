"""The first-contact and hidden-wait rules, and the labelled paused variant."""

from datetime import date

from whatmatters.flow.clocks import compute_waits, fetch_waits, get_rule, rule_label

from .cases import Extract, contact, referral

CENSUS = date(2024, 6, 30)


def test_first_contact_stops_at_the_first_attended_contact(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01")],
        [contact("C1", "R1", "2024-01-03", "3"), contact("C2", "R1", "2024-01-12", "5")],
    )
    compute_waits(result.con, "first-contact", CENSUS)
    [wait] = fetch_waits(result.con)
    assert (wait.clock_stop, wait.wait_days) == (date(2024, 1, 12), 11)


def test_the_hidden_wait_runs_from_first_to_second_attended_contact(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01"), referral("R2", "2024-01-01")],
        [
            contact("C1", "R1", "2024-01-10"),
            contact("C2", "R1", "2024-01-10"),
            contact("C3", "R1", "2024-03-01"),
            contact("C4", "R1", "2024-04-01"),
        ],
    )
    compute_waits(result.con, "hidden-wait", CENSUS)
    [wait] = fetch_waits(result.con)  # R2 has not had a first appointment, so it is not in this wait
    assert (wait.referral_id, wait.clock_start, wait.clock_stop, wait.wait_days) == (
        "R1",
        date(2024, 1, 10),
        date(2024, 3, 1),
        51,
    )


def test_pauses_shorten_only_the_labelled_adjusted_wait(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01")],
        [contact("C1", "R1", "2024-02-10")],
        clock_pauses=[
            {"referral_id": "R1", "pause_start": "2024-01-10", "pause_end": "2024-01-20"},
            {"referral_id": "R1", "pause_start": "2024-02-05", "pause_end": "2024-03-01"},
        ],
    )
    compute_waits(result.con, "first-contact", CENSUS)
    assert fetch_waits(result.con)[0].wait_days == 40
    rule = compute_waits(result.con, "first-contact", CENSUS, paused=True)
    # 10 days of the first pause and 5 days of the second fall inside the wait.
    assert fetch_waits(result.con)[0].wait_days == 25
    assert rule_label(rule, paused=True).endswith("(adjusted for clock pauses)")
    assert "adjusted" not in rule_label(rule, paused=False)


def test_an_unknown_rule_is_named_in_the_error() -> None:
    try:
        get_rule("rtt18")
    except ValueError as error:
        assert "rtt18" in str(error) and "eip" in str(error)
    else:
        raise AssertionError("expected a ValueError")
