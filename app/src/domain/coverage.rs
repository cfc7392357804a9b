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

#[cfg(test)]
mod tests {
    use super::*;

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
