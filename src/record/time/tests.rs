use super::*;
use proptest::strategy::Strategy;
use serde_json::json;

fn ist() -> Tz {
    parse_tz("Asia/Kolkata").expect("tz")
}

proptest::proptest! {
    #[test]
    fn milliseconds_round_to_nanoseconds_as_f64_round_does(
        ms in proptest::prop_oneof![
            proptest::num::f64::ANY,
            // Half a nanosecond and its neighbours, where rounding decides.
            (-1_000_000_000i64..1_000_000_000).prop_map(|n| (n as f64 + 0.5) / 1e6),
            (-1_000_000i64..1_000_000).prop_map(|n| n as f64 / 1e3),
        ]
    ) {
        proptest::prop_assert_eq!(millis_nanos(ms), (ms * 1e6).round() as i64, "{}", ms);
    }
}

#[test]
fn halves_round_away_from_zero_and_overflow_saturates() {
    assert_eq!(millis_nanos(0.0000005), 1);
    assert_eq!(millis_nanos(-0.0000005), -1);
    assert_eq!(millis_nanos(0.0000004), 0);
    assert_eq!(millis_nanos(1.5), 1_500_000);
    assert_eq!(millis_nanos(f64::INFINITY), i64::MAX);
    assert_eq!(millis_nanos(f64::NEG_INFINITY), i64::MIN);
    assert_eq!(millis_nanos(1e300), i64::MAX);
    assert_eq!(millis_nanos(f64::NAN), 0);
}

#[test]
fn rfc3339_offsets_and_local_times() {
    let want = Utc.with_ymd_and_hms(2024, 5, 1, 4, 30, 0).unwrap();
    assert_eq!(
        parse_time_str("2024-05-01T10:00:00+05:30", ist()),
        Some(want)
    );
    assert_eq!(parse_time_str("2024-05-01T04:30:00Z", ist()), Some(want));
    assert_eq!(
        parse_time_str("2024-05-01 10:00:00+05:30", ist()),
        Some(want)
    );
    assert_eq!(parse_time_str("2024-05-01T10:00:00", ist()), Some(want));
    assert_eq!(parse_time_str("2024-05-01 10:00:00.000", ist()), Some(want));
    assert_eq!(
        parse_time_str("2024-05-01", ist()),
        Some(Utc.with_ymd_and_hms(2024, 4, 30, 18, 30, 0).unwrap())
    );
    assert_eq!(parse_time_str("yesterday-ish", ist()), None);
}

#[test]
fn time_format_reads_other_forms_and_is_checked() {
    let spec = TimeSpec::new(None, Some("Asia/Kolkata"))
        .expect("spec")
        .with_format(Some("%d.%m.%Y %H.%M"))
        .expect("format");
    let want = Utc.with_ymd_and_hms(2024, 5, 1, 4, 30, 0).unwrap();
    assert_eq!(spec.value(&json!("01.05.2024 10.00")), Some(want));
    // The forms obs knows still read.
    assert_eq!(spec.value(&json!("2024-05-01T04:30:00Z")), Some(want));
    assert_eq!(spec.value(&json!("someday")), None);
    let zoned = TimeSpec::new(None, None)
        .expect("spec")
        .with_format(Some("%Y%m%d %H%M%S %z"))
        .expect("format");
    assert_eq!(zoned.value(&json!("20240501 100000 +0530")), Some(want));
    assert!(TimeSpec::new(None, None)
        .expect("spec")
        .with_format(Some("%Q"))
        .is_err());
}

#[test]
fn the_common_log_formats_own_forms() {
    let want = Utc.with_ymd_and_hms(2015, 5, 17, 10, 5, 3).unwrap();
    assert_eq!(
        parse_time_str("17/May/2015:10:05:03 +0000", ist()),
        Some(want)
    );
    assert_eq!(
        parse_time_str("17/May/2015:15:35:03 +0530", ist()),
        Some(want)
    );
    let at_six = Utc.with_ymd_and_hms(2024, 5, 1, 0, 30, 0).unwrap();
    assert_eq!(
        parse_time_str("2024-05-01T06:00+05:30", ist()),
        Some(at_six)
    );
    let log4j = parse_time_str("2024-05-01 10:00:00,123", ist()).expect("log4j");
    assert_eq!(
        log4j,
        Utc.with_ymd_and_hms(2024, 5, 1, 4, 30, 0).unwrap() + Duration::milliseconds(123)
    );
    let now = Utc.with_ymd_and_hms(2024, 5, 3, 0, 0, 0).unwrap();
    assert_eq!(
        syslog_time("May  1 10:00:00", ist(), now),
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 4, 30, 0).unwrap())
    );
    // December's lines read in early January are last year's.
    let january = Utc.with_ymd_and_hms(2025, 1, 2, 0, 0, 0).unwrap();
    assert_eq!(
        syslog_time("Dec 31 23:00:00", parse_tz("UTC").expect("tz"), january),
        Some(Utc.with_ymd_and_hms(2024, 12, 31, 23, 0, 0).unwrap())
    );
    assert_eq!(parse_time_str("17/Mai/2015:10:05:03 +0000", ist()), None);
    assert_eq!(syslog_time("Maybe 1 10:00:00", ist(), now), None);
}

#[test]
fn epochs_by_magnitude() {
    let want = Utc.with_ymd_and_hms(2024, 5, 1, 4, 30, 0).unwrap();
    let s = want.timestamp();
    for v in [
        json!(s),
        json!(s * 1000),
        json!(s * 1_000_000),
        json!(s * 1_000_000_000),
    ] {
        assert_eq!(parse_time_value(&v, ist()), Some(want), "{v}");
    }
    assert_eq!(parse_time_value(&json!(s.to_string()), ist()), Some(want));
    assert_eq!(parse_time_value(&json!(true), ist()), None);
}

#[test]
fn bounds() {
    let now = Utc.with_ymd_and_hms(2024, 5, 1, 20, 0, 0).unwrap(); // 01:30 IST on May 2
    assert_eq!(
        parse_bound("-3h", now, ist()).expect("ok"),
        now - Duration::hours(3)
    );
    assert_eq!(
        parse_bound("90m ago", now, ist()).expect("ok"),
        now - Duration::minutes(90)
    );
    assert_eq!(
        parse_bound("today", now, ist()).expect("ok"),
        Utc.with_ymd_and_hms(2024, 5, 1, 18, 30, 0).unwrap()
    );
    assert_eq!(
        parse_bound("today", now, parse_tz("UTC").expect("tz")).expect("ok"),
        Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap()
    );
    assert!(parse_bound("-3x", now, ist()).is_err());
    assert!(parse_tz("Mars/Base").is_err());
}
