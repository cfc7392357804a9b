//! Times as members read them: Japan Standard Time, `2018/8/14 9:45`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// JST has no daylight saving, so a fixed offset is exact.
pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// `2018/8/14 9:45`: no leading zeros, as in the seeds.
pub fn format_datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&offset())
        .format("%Y/%-m/%-d %-H:%M")
        .to_string()
}

/// The calendar day in Japan at `t`.
pub fn today(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&offset()).date_naive()
}

/// When the calendar day in Japan that holds `t` began (midnight JST), in
/// UTC: 15:00 UTC the day before.
pub fn day_start(t: DateTime<Utc>) -> DateTime<Utc> {
    let midnight = today(t).and_time(chrono::NaiveTime::MIN);
    (midnight - chrono::Duration::hours(9)).and_utc()
}

/// `2018/8/14`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y/%-m/%-d").to_string()
}

/// A date as a form's `<input type="date">` sends it (`2027-07-31`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A JST time as `<input type="datetime-local">` sends it (`2026-12-06T09:30`).
pub fn parse_datetime_local(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    naive
        .and_local_timezone(offset())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The value an `<input type="datetime-local">` shows for `t` (JST).
pub fn datetime_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&offset())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_day_in_japan_begins_at_midnight_jst() {
        let start = Utc.with_ymd_and_hms(2026, 12, 6, 15, 0, 0).unwrap();
        for t in [
            start,
            start + chrono::Duration::hours(9),
            start + chrono::Duration::hours(24) - chrono::Duration::seconds(1),
        ] {
            assert_eq!(day_start(t), start, "{t}");
        }
        let before = start - chrono::Duration::seconds(1);
        assert_eq!(day_start(before), start - chrono::Duration::days(1));
        assert_eq!(
            day_start(start + chrono::Duration::days(1)),
            start + chrono::Duration::days(1)
        );
    }

    #[test]
    fn datetime_local_inputs_are_jst() {
        let t = Utc.with_ymd_and_hms(2026, 12, 6, 0, 30, 0).unwrap();
        assert_eq!(parse_datetime_local("2026-12-06T09:30"), Some(t));
        assert_eq!(parse_datetime_local(" 2026-12-06T09:30:00 "), Some(t));
        assert_eq!(datetime_local(t), "2026-12-06T09:30");
        assert_eq!(parse_datetime_local("2026-12-06"), None);
        assert_eq!(parse_datetime_local("nope"), None);
    }

    #[test]
    fn shows_jst_without_leading_zeros() {
        let t = Utc.with_ymd_and_hms(2018, 8, 14, 0, 45, 0).unwrap();
        assert_eq!(format_datetime(t), "2018/8/14 9:45");
        // 15:05 UTC is past midnight in Japan.
        let t = Utc.with_ymd_and_hms(2018, 12, 31, 15, 5, 0).unwrap();
        assert_eq!(format_datetime(t), "2019/1/1 0:05");
    }

    #[test]
    fn the_day_turns_at_midnight_in_japan() {
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap();
        assert_eq!(today(t), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    }

    #[test]
    fn formats_dates() {
        let d = NaiveDate::from_ymd_opt(1975, 4, 1).unwrap();
        assert_eq!(format_date(d), "1975/4/1");
    }

    #[test]
    fn reads_form_dates_only() {
        assert_eq!(
            parse_date(" 2027-07-31 "),
            NaiveDate::from_ymd_opt(2027, 7, 31)
        );
        assert_eq!(parse_date("2027/7/31"), None);
        assert_eq!(parse_date("2027-02-30"), None);
        assert_eq!(parse_date(""), None);
    }
}
