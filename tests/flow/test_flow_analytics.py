"""Age profile, cumulative flow, time to first help (with removals competing) and ward flow."""

from datetime import date

import numpy as np
import pytest

from whatmatters.flow.analytics import age_profile, cumulative_flow, time_to_first_help, ward_flow
from whatmatters.flow.clocks import compute_waits

from .cases import Extract, contact, referral


def test_kaplan_meier_and_aalen_johansen_match_a_hand_calculation() -> None:
    # Times 2 (helped), 3 (removed), 3 (waiting, censored), 5 (helped), 7 (helped).
    result = time_to_first_help(np.array([2, 3, 3, 5, 7]), np.array([1, 2, 0, 1, 1]))
    assert result.days == [2, 3, 5, 7] and result.at_risk == [5, 4, 2, 1]
    # Overall survival: 4/5, then 4/5 x 3/4 = 3/5, then 3/5 x 1/2, then 0.
    # Help CIF: 1/5; + 0 at 3; + (3/5)(1/2) = 0.5; + (3/10)(1) = 0.8. Removal CIF: (4/5)(1/4) = 0.2.
    assert result.help_by == pytest.approx([0.2, 0.2, 0.5, 0.8])
    assert result.removed_by == pytest.approx([0.0, 0.2, 0.2, 0.2])
    # 1 - KM (removals censored) overstates help: 1 - (4/5)(1/2)(0) = 1 at day 7.
    assert result.km_still_waiting[-1] == pytest.approx(0.0)
    assert result.share_helped_within(6) == pytest.approx(0.5)
    assert result.share_helped_within(1) == 0.0


def test_the_age_profile_bins_current_waits_by_week(extract: Extract) -> None:
    result = extract(
        [
            referral("R1", "2024-03-30"),
            referral("R2", "2024-03-20"),
            referral("R3", "2023-01-01"),
            referral("R4", "2024-03-01"),
        ],
        [contact("C1", "R4", "2024-03-05")],
    )
    compute_waits(result.con, "first-contact", date(2024, 3, 31))
    profile = age_profile(result.con, date(2024, 3, 31), 28)
    assert profile.total == 3
    assert profile.counts[0] == 1 and profile.counts[1] == 1 and profile.counts[52] == 1
    assert len(profile.healthy) == 53 and profile.healthy[0] > profile.healthy[4] > 0
    # Demand of 3 referrals in the last 12 weeks: a healthy list holds demand / rate people.
    assert sum(profile.healthy) == pytest.approx(profile.weekly_demand / (-np.log(0.08) / 4))


def test_cumulative_flow_gap_is_the_waiting_list(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01"), referral("R2", "2024-01-02", rejected_date="2024-01-04")],
        [contact("C1", "R1", "2024-01-03")],
    )
    compute_waits(result.con, "first-contact", date(2024, 1, 5))
    flow = cumulative_flow(result.con, date(2024, 1, 1), date(2024, 1, 5))
    assert flow.arrivals == [1, 2, 2, 2, 2]
    assert flow.stops == [0, 0, 1, 1, 1] and flow.removals == [0, 0, 0, 1, 1]
    assert flow.waiting == [1, 2, 1, 0, 0]


def test_ward_flow_lists_long_stays_and_occupancy(extract: Extract) -> None:
    ward = {"ward_id": "W1"}
    result = extract(
        [],
        [],
        ward_stays=[
            {
                "spell_id": "S1",
                "person_id": "P1",
                "admission_date": "2024-01-01",
                "discharge_date": "2024-01-11",
                **ward,
            },
            {"spell_id": "S2", "person_id": "P2", "admission_date": "2023-10-01", **ward},
        ],
    )
    flow = ward_flow(result.con, "W1", date(2024, 1, 1), date(2024, 1, 14), beds=2, long_stay_days=60)
    assert flow.occupied[:3] == [2, 2, 2] and flow.occupied[10] == 1
    assert flow.lengths_of_stay == [10]
    assert [(s.spell_id, s.days_so_far) for s in flow.long_stays] == [("S2", 105)]
    assert flow.admissions == [1, 0] and flow.discharges == [0, 1]
    assert flow.mean_occupancy == pytest.approx(100 * (10 * 2 + 4 * 1) / 14 / 2)
