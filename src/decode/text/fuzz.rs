//! Any text through every decoder: each line is a record whose text is one valid JSON object,
//! or an error saying why; never a panic. Lines are built from the formats' own pieces
//! (brackets, quotes, escapes, `=`, PRI) with arbitrary characters among them, so most cases
//! get deep into the decoders.

use proptest::prelude::*;

use super::{decoder, LineFormat, Object, UserPattern};

fn line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<34>".to_string()),
        Just("1 ".to_string()),
        Just("- ".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\\\"".to_string()),
        Just("=".to_string()),
        Just(" ".to_string()),
        Just("key=".to_string()),
        Just("17/May/2015:10:05:03 +0000".to_string()),
        Just("\"GET / HTTP/1.1\" 200 12 ".to_string()),
        Just("May  1 10:00:00 ".to_string()),
        Just("2024-05-01T10:00:00Z ".to_string()),
        Just("[id k=\"v\\]\"]".to_string()),
        Just("\\u20b9".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn every_decoder_writes_one_json_object_or_says_why(text in line()) {
        let decoders = [
            decoder(Some(LineFormat::Combined), None),
            decoder(Some(LineFormat::Common), None),
            decoder(Some(LineFormat::Syslog), None),
            decoder(Some(LineFormat::Logfmt), None),
            decoder(Some(LineFormat::Raw), None),
            decoder(None, Some(UserPattern::Dissect("%{a} [%{+a}] %{b->} %{*k}=%{&k} %{rest}"))),
            decoder(None, Some(UserPattern::Regex(r"^(?P<a>\S+) (?P<b>.*)$"))),
        ];
        for d in decoders.into_iter().flatten().flatten() {
            let mut buf = Vec::new();
            let mut obj = Object::open(&mut buf);
            if d.decode(&text, &mut obj).is_ok() {
                obj.close();
                let v: Result<serde_json::Map<String, serde_json::Value>, _> =
                    serde_json::from_slice(&buf);
                prop_assert!(v.is_ok(), "{}: {:?} gave {:?}", d.name(), text, String::from_utf8_lossy(&buf));
            }
        }
        let _ = super::sniff::sniff(text.as_bytes());
    }
}
