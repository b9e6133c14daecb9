"""What-if levers, the Poisson fan chart and the capacity needed to meet the standard."""

from datetime import date

import numpy as np

from whatmatters.flow import forecast as f

# Weekly bins 0..8 (8 = 8 weeks or more); everyone waiting can be treated; nobody leaves untreated.
PARAMS = f.Params(renege=np.zeros(9), capacity=np.ones(9))
LIST = np.array([40, 40, 40, 40, 40, 40, 40, 40, 200], float)  # a long tail of people waiting 8+ weeks


def test_referral_growth_and_extra_sessions_change_only_their_weeks() -> None:
    refs, cap = f.apply_levers(
        50, 44, 104, f.Levers(referral_growth_pct=10, extra_sessions=6, extra_from_week=4, extra_weeks=2)
    )
    assert np.isclose(refs[52], 55) and np.isclose(refs[0], 50)
    assert list(cap[3:7]) == [44, 50, 50, 44]


def test_fewer_missed_appointments_mean_more_people_seen() -> None:
    _, cap = f.apply_levers(50, 40, 4, f.Levers(dna_rate_now=0.2, dna_rate_change=-0.1))
    assert np.allclose(cap, 40 * 0.9 / 0.8)


def test_more_capacity_shortens_the_projected_list() -> None:
    base = f.project(LIST, [40] * 12, [40] * 12, PARAMS)
    more = f.project(LIST, [40] * 12, [50] * 12, PARAMS)
    assert more.waiting[-1] < base.waiting[-1]
    assert np.isclose(base.waiting[-1], LIST.sum())  # in balance: the list stays the same size


def test_the_fan_chart_brackets_the_central_projection() -> None:
    fan = f.fan_chart(LIST, np.full(26, 40.0), np.full(26, 42.0), PARAMS, standard_bins=4, replications=100)
    low, mid, high = fan.waiting[0], fan.waiting[2], fan.waiting[-1]
    assert np.all(low <= mid) and np.all(mid <= high)
    assert np.all(low[5:] < fan.central.waiting[5:]) and np.all(high[5:] > fan.central.waiting[5:])


def test_capacity_needed_is_the_smallest_that_meets_the_target_by_the_date() -> None:
    answer = f.capacity_needed(
        LIST,
        np.full(26, 40.0),
        PARAMS,
        standard_bins=4,
        target_share=0.9,
        by_date=date(2025, 7, 1),
        today=date(2025, 1, 1),
    )
    assert answer.by_week == 26 and answer.per_week is not None
    run = f.project(LIST, np.full(26, 40.0), np.full(26, answer.per_week), PARAMS)
    assert run.share_within(4)[-1] >= 0.9
    less = f.project(LIST, np.full(26, 40.0), np.full(26, answer.per_week - 0.5), PARAMS)
    assert less.share_within(4)[-1] < 0.9
    assert "appointments a week" in answer.sentence and "30 June 2025" in answer.sentence


def test_history_by_weeks_waited_counts_lists_and_completed_waits() -> None:
    starts = [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 9)]
    stops = [date(2024, 1, 16), None, date(2024, 1, 10)]
    refs, inc, comp = f.history_by_weeks_waited(starts, stops, [True, False, True], date(2024, 1, 1), 3, 4)
    assert list(refs) == [2, 1, 0]
    assert list(inc[1]) == [0, 2, 0, 0, 0]  # on Sun 14 Jan: 1 Jan (13 days) and 3 Jan (11 days)
    assert list(comp[1]) == [1, 0, 0, 0, 0] and list(comp[2]) == [0, 0, 1, 0, 0]
