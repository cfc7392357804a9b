//! Business days (営業日): when something the co-op does "in about three
//! business days" (seed 001: a name change) can be expected. Weekends,
//! Japanese national holidays (with 振替休日 and 国民の休日) and the year-end
//! closing, December 29 to January 3, are not business days.

use chrono::{Datelike, NaiveDate, Weekday};

/// Whether the co-op works on `day`; `holiday` says whether a day is a
/// national holiday (on the server: [`is_national_holiday`]).
pub fn is_business_day(day: NaiveDate, holiday: impl Fn(NaiveDate) -> bool) -> bool {
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    let year_end = matches!((day.month(), day.day()), (12, 29..=31) | (1, 1..=3));
    !weekend && !year_end && !holiday(day)
}

/// The `n`th business day after `day` (`day` itself never counts: what is
/// filed today is looked at from the next business day).
pub fn business_days_after(
    day: NaiveDate,
    n: u32,
    holiday: impl Fn(NaiveDate) -> bool,
) -> NaiveDate {
    let mut current = day;
    let mut left = n;
    while left > 0 {
        current = current.succ_opt().unwrap_or(current);
        if is_business_day(current, &holiday) {
            left -= 1;
        }
    }
    current
}

/// Japan's national holidays, from the holiday law as `jpholiday` encodes it.
#[cfg(feature = "ssr")]
pub fn is_national_holiday(day: NaiveDate) -> bool {
    jpholiday::jpholiday::JPHoliday::new().is_holiday(&day)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn after(day: NaiveDate, n: u32) -> NaiveDate {
        business_days_after(day, n, is_national_holiday)
    }

    #[test]
    fn the_holiday_table_knows_the_holidays() {
        for day in [
            d(2026, 1, 1),
            d(2026, 1, 12),  // 成人の日
            d(2026, 5, 6),   // 振替休日
            d(2026, 9, 22),  // 国民の休日
            d(2026, 11, 23), // 勤労感謝の日
            d(2027, 3, 21),  // 春分の日
        ] {
            assert!(is_national_holiday(day), "{day}");
        }
        assert!(!is_national_holiday(d(2026, 11, 24)));
    }

    #[test]
    fn weekdays_count_one_by_one() {
        // Tuesday 2026-11-24 → Fri 27.
        assert_eq!(after(d(2026, 11, 24), 3), d(2026, 11, 27));
        assert_eq!(after(d(2026, 11, 24), 0), d(2026, 11, 24));
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        // Filed on Friday 2026-11-20: Mon 23 is 勤労感謝の日 → 24, 25, 26.
        assert_eq!(after(d(2026, 11, 20), 3), d(2026, 11, 26));
        // Filed on the holiday itself (a Monday).
        assert_eq!(after(d(2026, 11, 23), 3), d(2026, 11, 26));
        // Golden Week 2026: 4/29 Wed holiday, 5/3–5/6 holidays and 振替休日.
        assert_eq!(after(d(2026, 4, 30), 3), d(2026, 5, 8));
        // Silver Week 2026: 9/21 敬老の日, 9/22 国民の休日, 9/23 秋分の日.
        assert_eq!(after(d(2026, 9, 18), 1), d(2026, 9, 24));
    }

    #[test]
    fn the_year_end_closing_is_skipped() {
        // Monday 2026-12-28 → 12/29–1/3 closed, 1/4 is a Monday.
        assert_eq!(after(d(2026, 12, 28), 1), d(2027, 1, 4));
        assert_eq!(after(d(2026, 12, 25), 3), d(2027, 1, 5));
        assert!(!is_business_day(d(2027, 1, 3), is_national_holiday));
        // 2027-01-11 is 成人の日.
        assert_eq!(after(d(2027, 1, 8), 1), d(2027, 1, 12));
    }

    #[test]
    fn every_day_of_two_years_reaches_a_business_day() {
        let mut day = d(2026, 1, 1);
        while day < d(2028, 1, 1) {
            let due = after(day, 3);
            assert!(due > day);
            assert!(is_business_day(due, is_national_holiday), "{day} → {due}");
            assert!((due - day).num_days() <= 12, "{day} → {due}");
            day = day.succ_opt().unwrap();
        }
    }
}
