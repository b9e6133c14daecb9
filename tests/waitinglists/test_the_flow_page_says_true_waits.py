"""The flow page's sentence about how long people had waited is true: "92 in every 100 had waited N days or
fewer" where at least 92 in 100 had (the 92nd percentile), and with fewer than 25 people waiting, the
longest wait instead of a share of 100. Hand-worked cases; the old sentence said "less than", which the
92nd percentile does not give."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from whatmatters.flow import analytics
from whatmatters.flow.charts import longest_waits

CENSUS = date(2026, 11, 29)


def profile(ages: list[int]) -> analytics.AgeProfile:
    con = duckdb.connect()
    con.execute("CREATE TABLE waits (wait_days BIGINT, status VARCHAR, clock_start DATE)")
    for age in ages:
        con.execute("INSERT INTO waits VALUES (?, 'waiting', ?)", [age, CENSUS])
    return analytics.age_profile(con, CENSUS, 28)


def test_25_people_waiting_0_to_24_days_say_92_in_100_waited_22_days_or_fewer() -> None:
    # 23 of the 25 (92%) waited 22 days or fewer; only 22 (88%) waited less than 22 days.
    said = longest_waits(profile(list(range(25))))
    assert said == "92 in every 100 had waited 22 days or fewer. "


def test_the_sentence_is_true_of_the_people_it_counts() -> None:
    ages = [1, 2, 2, 3, 5, 8, 8, 9, 10, 11, 13, 14, 15, 17, 18, 20, 21, 23, 26, 30, 31, 40, 52, 70, 400]
    said = longest_waits(profile(ages))
    days = int(said.split("waited ")[1].split(" days")[0])
    assert sum(a <= days for a in ages) / len(ages) >= 0.92
    assert sum(a <= days - 1 for a in ages) / len(ages) < 0.92  # and it is the smallest such number


@pytest.mark.parametrize(("ages", "longest"), [([3, 10, 40], 40), ([7], 7), (list(range(24)), 23)])
def test_fewer_than_25_people_waiting_give_the_longest_wait(ages: list[int], longest: int) -> None:
    assert longest_waits(profile(ages)) == f"The longest anyone had waited was {longest} days. "


def test_nobody_waiting_says_nothing_about_waits() -> None:
    assert longest_waits(profile([])) == ""
