//! What a contract covers on a given day (M6). Coverage is kept as dated
//! periods; a period holds from `starts_on` up to, not including, `ends_on`.
//! So a rider applied for is not shown before its coverage starts, and after
//! a course change the old course is shown until the new one starts.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl Period {
    pub fn new(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Self {
        Self { starts_on, ends_on }
    }

    /// The period as far as `end` (exclusive), if it reaches it at all:
    /// `None` for one starting on or after `end`.
    pub fn until(self, end: Option<NaiveDate>) -> Option<Self> {
        match end {
            None => Some(self),
            Some(end) if self.starts_on >= end => None,
            Some(end) => Some(Self {
                starts_on: self.starts_on,
                ends_on: Some(self.ends_on.map_or(end, |e| e.min(end))),
            }),
        }
    }

    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day < end)
    }

    /// Starts after `day`: decided, but not shown yet.
    pub fn is_pending_on(&self, day: NaiveDate) -> bool {
        day < self.starts_on
    }
}

/// The items of `periods` in force on `day`.
pub fn in_force<T>(periods: &[(T, Period)], day: NaiveDate) -> impl Iterator<Item = &(T, Period)> {
    periods.iter().filter(move |(_, p)| p.holds_on(day))
}

/// The items that will start after `day`, soonest first.
pub fn pending<T>(periods: &[(T, Period)], day: NaiveDate) -> Vec<&(T, Period)> {
    let mut later: Vec<_> = periods
        .iter()
        .filter(|(_, p)| p.is_pending_on(day))
        .collect();
    later.sort_by_key(|(_, p)| p.starts_on);
    later
}

/// The first day without coverage after a withdrawal on `withdrawn_on`:
/// the member is covered through the 脱退日 itself.
pub fn withdrawal_end(withdrawn_on: NaiveDate) -> NaiveDate {
    withdrawn_on.succ_opt().unwrap_or(withdrawn_on)
}

/// The last day of coverage when every period has ended by `day` (none in
/// force, none to come): the day before the latest end. `None` while
/// something holds or is still to start, and for no periods at all.
pub fn ended_by<T>(periods: &[(T, Period)], day: NaiveDate) -> Option<NaiveDate> {
    if periods
        .iter()
        .any(|(_, p)| p.holds_on(day) || p.is_pending_on(day))
    {
        return None;
    }
    periods
        .iter()
        .filter_map(|(_, p)| p.ends_on)
        .max()
        .and_then(|end| end.pred_opt())
}

/// The first day of the month after `day`: when coverage decided today
/// usually starts.
pub fn first_of_next_month(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    // The first of a month always exists; fall back to `day` only in theory.
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(day)
}

/// Why a coverage start date staff chose cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StartDateError {
    #[error("保障開始日は、月の初日(1日)を指定してください。")]
    NotFirstOfMonth,
    #[error("保障開始日は、明日以降の日付を指定してください。")]
    NotInFuture,
    #[error("保障開始日は、12か月先までの日付を指定してください。")]
    TooFarAhead,
}

/// Coverage starts on the first of a month, and never on a day already begun:
/// the member must not be covered (or charged) retroactively; nor more than
/// [`policy::COVERAGE_START_AHEAD_MONTHS`] ahead (a mistyped year would hide
/// an approved change for good).
pub fn check_start(starts_on: NaiveDate, today: NaiveDate) -> Result<(), StartDateError> {
    use chrono::Datelike;
    if starts_on.day() != 1 {
        return Err(StartDateError::NotFirstOfMonth);
    }
    if starts_on <= today {
        return Err(StartDateError::NotInFuture);
    }
    let latest = today
        .checked_add_months(chrono::Months::new(
            super::policy::COVERAGE_START_AHEAD_MONTHS,
        ))
        .unwrap_or(NaiveDate::MAX);
    if starts_on > latest {
        return Err(StartDateError::TooFarAhead);
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_withdrawal_cuts_the_periods() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let end = withdrawal_end(d(2026, 11, 30));
        assert_eq!(end, d(2026, 12, 1));
        let running = Period::new(d(2024, 4, 1), None);
        assert_eq!(
            running.until(Some(end)),
            Some(Period::new(d(2024, 4, 1), Some(end)))
        );
        assert!(running.until(Some(end)).unwrap().holds_on(d(2026, 11, 30)));
        assert!(!running.until(Some(end)).unwrap().holds_on(end));
        let ended_before = Period::new(d(2024, 4, 1), Some(d(2025, 4, 1)));
        assert_eq!(ended_before.until(Some(end)), Some(ended_before));
        assert_eq!(Period::new(end, None).until(Some(end)), None);
        assert_eq!(Period::new(d(2027, 1, 1), None).until(Some(end)), None);
        assert_eq!(running.until(None), Some(running));
    }

    #[test]
    fn coverage_ended_by_a_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let p = |starts_on, ends_on| Period { starts_on, ends_on };
        let ended = [
            ((), p(d(2020, 4, 1), Some(d(2024, 4, 1)))),
            ((), p(d(2024, 4, 1), Some(d(2026, 4, 1)))),
        ];
        assert_eq!(ended_by(&ended, d(2026, 4, 1)), Some(d(2026, 3, 31)));
        assert_eq!(
            ended_by(&ended, d(2026, 3, 31)),
            None,
            "the last day still holds"
        );
        let running = [((), p(d(2020, 4, 1), None))];
        assert_eq!(ended_by(&running, d(2030, 1, 1)), None);
        let to_come = [((), p(d(2027, 4, 1), None))];
        assert_eq!(ended_by(&to_come, d(2026, 4, 1)), None);
        let none: [((), Period); 0] = [];
        assert_eq!(ended_by(&none, d(2026, 4, 1)), None);
    }

    use super::*;

    #[test]
    fn coverage_starts_on_a_future_first_of_month() {
        let today = d(2026, 11, 23);
        assert_eq!(first_of_next_month(today), d(2026, 12, 1));
        assert_eq!(first_of_next_month(d(2026, 12, 31)), d(2027, 1, 1));
        assert_eq!(check_start(d(2026, 12, 1), today), Ok(()));
        assert_eq!(check_start(d(2027, 3, 1), today), Ok(()));
        // Twelve months ahead at most: 2027/11/1 (before 2027/11/23), not
        // 2027/12/1; a mistyped year never.
        assert_eq!(check_start(d(2027, 11, 1), today), Ok(()));
        assert_eq!(
            check_start(d(2027, 12, 1), today),
            Err(StartDateError::TooFarAhead)
        );
        assert_eq!(
            check_start(d(2207, 1, 1), today),
            Err(StartDateError::TooFarAhead)
        );
        assert_eq!(check_start(d(2027, 1, 1), d(2026, 1, 1)), Ok(()));
        assert_eq!(
            check_start(d(2027, 2, 1), d(2026, 1, 31)),
            Err(StartDateError::TooFarAhead)
        );
        assert_eq!(
            check_start(d(2026, 12, 2), today),
            Err(StartDateError::NotFirstOfMonth)
        );
        assert_eq!(
            check_start(d(2026, 11, 1), today),
            Err(StartDateError::NotInFuture)
        );
        assert_eq!(
            check_start(d(2026, 12, 1), d(2026, 12, 1)),
            Err(StartDateError::NotInFuture),
            "a day already begun is too late"
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Period {
        Period { starts_on, ends_on }
    }

    #[test]
    fn the_old_course_shows_until_the_new_one_starts() {
        let courses = [
            ("総合保障型2型", p(d(2019, 4, 1), Some(d(2026, 12, 1)))),
            ("総合保障型4型", p(d(2026, 12, 1), None)),
        ];
        let names = |day| in_force(&courses, day).map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(names(d(2026, 11, 30)), ["総合保障型2型"]);
        assert_eq!(names(d(2026, 12, 1)), ["総合保障型4型"]);
        assert_eq!(names(d(2019, 3, 31)), Vec::<&str>::new());
        assert_eq!(pending(&courses, d(2026, 11, 30)).len(), 1);
        assert!(pending(&courses, d(2026, 12, 1)).is_empty());
    }

    #[test]
    fn a_rider_is_not_shown_before_its_coverage_starts() {
        let riders = [
            ("先進医療特約", p(d(2020, 4, 1), None)),
            ("がん特約", p(d(2027, 1, 1), None)),
            ("女性疾病特約", p(d(2020, 4, 1), Some(d(2024, 4, 1)))),
        ];
        let names = |day| in_force(&riders, day).map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(names(d(2026, 12, 31)), ["先進医療特約"]);
        assert_eq!(names(d(2027, 1, 1)), ["先進医療特約", "がん特約"]);
        assert_eq!(names(d(2023, 1, 1)), ["先進医療特約", "女性疾病特約"]);
        let later = pending(&riders, d(2026, 12, 31));
        assert_eq!(
            later.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ["がん特約"]
        );
    }
}
