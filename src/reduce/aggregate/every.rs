//! Time buckets for `--every`: fixed intervals (`30s`, `5m`, `1h`) aligned to wall-clock time in
//! `--tz`, and calendar days, ISO weeks (from Monday) and months (`1d`, `1w`, `1M`) that start at
//! local midnight — an IST day starts at 00:00 IST, not at 00:00 UTC. Buckets are named by their
//! start instant.
//!
//! Buckets are assigned here, while columns are built, rather than by Polars' dynamic group-by:
//! it is one integer per record computed in the parallel pass, exact in any IANA zone, and Polars
//! then groups on it like on any other key.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::ObsError;

/// A bucket width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// A fixed number of milliseconds of wall-clock time.
    Fixed(i64),
    /// Calendar days.
    Days(i64),
    /// ISO weeks.
    Weeks(i64),
    /// Calendar months.
    Months(i64),
}

/// 1970-01-05 was a Monday: weeks are counted from it.
const MONDAY_EPOCH: i64 = 4;

impl Every {
    /// Parses `30s`, `5m`, `1h`, `1d`, `1w`, `1M` (capital M: months; lower-case m: minutes).
    pub fn parse(s: &str) -> Result<Every, ObsError> {
        let bad = || {
            ObsError::Usage(format!(
                "bad --every '{s}': use a count and a unit, e.g. 30s, 5m, 1h, 1d, 1w, 1M"
            ))
        };
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (num, unit) = t.split_at(split);
        let n: i64 = if num.is_empty() {
            1
        } else {
            num.parse().map_err(|_| bad())?
        };
        if n <= 0 {
            return Err(bad());
        }
        Ok(match unit {
            "ms" => Every::Fixed(n),
            "s" => Every::Fixed(n * 1000),
            "m" => Every::Fixed(n * 60_000),
            "h" => Every::Fixed(n * 3_600_000),
            "d" => Every::Days(n),
            "w" => Every::Weeks(n),
            "M" | "mo" => Every::Months(n),
            _ => return Err(bad()),
        })
    }

    /// Start (epoch ms) of the bucket holding `t`.
    pub fn start(&self, t: DateTime<Utc>, tz: Tz) -> i64 {
        let local = t.with_timezone(&tz).naive_local();
        to_utc_ms(self.floor_local(local), tz)
    }

    /// Start (epoch ms) of the bucket after the one starting at `start`.
    pub fn next(&self, start: i64, tz: Tz) -> i64 {
        let local = from_ms(start).with_timezone(&tz).naive_local();
        let next = match *self {
            Every::Fixed(ms) => local + Duration::milliseconds(ms),
            Every::Days(n) => local + Duration::days(n),
            Every::Weeks(n) => local + Duration::weeks(n),
            Every::Months(n) => add_months(local, n),
        };
        let next = to_utc_ms(self.floor_local(next), tz);
        // A DST fold can map the next local start onto this one; never stand still.
        if next <= start {
            start + 1
        } else {
            next
        }
    }

    fn floor_local(&self, local: NaiveDateTime) -> NaiveDateTime {
        match *self {
            Every::Fixed(ms) => {
                let t = local.and_utc().timestamp_millis();
                let floored = t - t.rem_euclid(ms);
                from_ms(floored).naive_utc()
            }
            Every::Days(n) => {
                let days = local.date().signed_duration_since(epoch_date()).num_days();
                midnight(epoch_date() + Duration::days(days - days.rem_euclid(n)))
            }
            Every::Weeks(n) => {
                let days =
                    local.date().signed_duration_since(epoch_date()).num_days() - MONDAY_EPOCH;
                let weeks = days.div_euclid(7);
                let start = weeks - weeks.rem_euclid(n);
                midnight(epoch_date() + Duration::days(MONDAY_EPOCH + start * 7))
            }
            Every::Months(n) => {
                let m = i64::from(local.year()) * 12 + i64::from(local.month0());
                let m = m - m.rem_euclid(n);
                let date = NaiveDate::from_ymd_opt(
                    (m.div_euclid(12)) as i32,
                    (m.rem_euclid(12) + 1) as u32,
                    1,
                )
                .unwrap_or(epoch_date());
                midnight(date)
            }
        }
    }
}

fn epoch_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

fn add_months(local: NaiveDateTime, n: i64) -> NaiveDateTime {
    let m = i64::from(local.year()) * 12 + i64::from(local.month0()) + n;
    let date = NaiveDate::from_ymd_opt(m.div_euclid(12) as i32, (m.rem_euclid(12) + 1) as u32, 1)
        .unwrap_or(local.date());
    midnight(date)
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Local wall-clock time to an instant; in a DST gap the first valid instant after it.
fn to_utc_ms(local: NaiveDateTime, tz: Tz) -> i64 {
    let mut probe = local;
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc).timestamp_millis();
        }
        probe += Duration::minutes(30);
    }
    local.and_utc().timestamp_millis()
}

/// The bucket's start as RFC 3339 in `tz` (`2024-05-01T10:05:00+05:30`).
pub fn label(start: i64, tz: Tz) -> String {
    crate::output::cell::time_label(start, tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ist() -> Tz {
        "Asia/Kolkata".parse().expect("tz")
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn fixed_buckets_align_to_local_wall_clock() {
        let e = Every::parse("1h").expect("every");
        let s = e.start(at("2024-05-01T10:47:00+05:30"), ist());
        assert_eq!(label(s, ist()), "2024-05-01T10:00:00+05:30");
        assert_eq!(label(e.next(s, ist()), ist()), "2024-05-01T11:00:00+05:30");
        let e = Every::parse("5m").expect("every");
        assert_eq!(
            label(e.start(at("2024-05-01T10:47:59+05:30"), ist()), ist()),
            "2024-05-01T10:45:00+05:30"
        );
    }

    #[test]
    fn ist_days_weeks_months_start_at_local_midnight() {
        let utc: Tz = "UTC".parse().expect("tz");
        let t = at("2024-04-30T20:00:00Z"); // 01:30 IST on 1 May, a Wednesday
        assert_eq!(
            label(Every::Days(1).start(t, ist()), ist()),
            "2024-05-01T00:00:00+05:30"
        );
        assert_eq!(
            label(Every::Days(1).start(t, utc), utc),
            "2024-04-30T00:00:00+00:00"
        );
        assert_eq!(
            label(Every::Weeks(1).start(t, ist()), ist()),
            "2024-04-29T00:00:00+05:30"
        );
        assert_eq!(
            label(Every::Months(1).start(t, ist()), ist()),
            "2024-05-01T00:00:00+05:30"
        );
        assert_eq!(
            label(Every::Months(1).start(t, utc), utc),
            "2024-04-01T00:00:00+00:00"
        );
        let may = Every::Months(1).start(t, ist());
        assert_eq!(
            label(Every::Months(1).next(may, ist()), ist()),
            "2024-06-01T00:00:00+05:30"
        );
    }

    #[test]
    fn dst_days_are_calendar_days() {
        let ny: Tz = "America/New_York".parse().expect("tz");
        let d = Every::Days(1);
        let s = d.start(at("2024-03-10T12:00:00-04:00"), ny);
        assert_eq!(label(s, ny), "2024-03-10T00:00:00-05:00");
        let n = d.next(s, ny);
        assert_eq!(label(n, ny), "2024-03-11T00:00:00-04:00");
        assert_eq!(n - s, 23 * 3_600_000, "the spring-forward day has 23 hours");
    }

    #[test]
    fn parse_units() {
        assert_eq!(Every::parse("5m").expect("ok"), Every::Fixed(300_000));
        assert_eq!(Every::parse("1M").expect("ok"), Every::Months(1));
        assert_eq!(Every::parse("2w").expect("ok"), Every::Weeks(2));
        for bad in ["", "0m", "5x", "m5", "-1h"] {
            assert!(Every::parse(bad).is_err(), "{bad}");
        }
    }
}
