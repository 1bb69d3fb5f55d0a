use crate::expr::Expr;
use serde_json::{json, Map, Value};

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().expect("object").clone()
}

fn check(expr: &str, v: Value) -> bool {
    Expr::parse(expr).expect(expr).matches(&obj(v))
}

#[test]
fn comparisons_numeric_and_text() {
    let r = json!({"amount":15000,"status":"200","level":"ERROR","s":"2999.00","svc":"payment-service"});
    assert!(check("amount>10000", r.clone()));
    assert!(!check("amount>15000", r.clone()));
    assert!(check("amount>=15000 and amount<=15000", r.clone()));
    assert!(check("status=200", r.clone()));
    assert!(check("status>=200", r.clone()));
    assert!(
        check("s<10000", r.clone()),
        "numeric string compares as a number"
    );
    assert!(check("level=ERROR and svc=payment-service", r.clone()));
    assert!(!check("level=error", r.clone()), "case-sensitive");
    assert!(check(r#"level="ERROR""#, r.clone()));
    assert!(check("level~=RR", r.clone()));
    assert!(check(r#"level~~="(?i)^err""#, r.clone()));
    assert!(check("level in (WARN, ERROR)", r.clone()));
    assert!(check("amount in (1, 15000)", r.clone()));
    assert!(!check("level in (WARN, INFO)", r));
    let odd = json!({"a":"n/a","b":true,"c":"1e3"});
    assert!(!check("a>1000", odd.clone()) && !check("a<1000", odd.clone()));
    assert!(check("a!=1000", odd.clone()), "present and not equal");
    assert!(!check("b>0", odd.clone()));
    assert!(check("c=1000", odd));
    let d = json!({"d": 2500, "s": "5m", "t": 0.004});
    assert!(check(
        "d>2s and d<3s and d=2.5s and d=2500ms and d<=1h",
        d.clone()
    ));
    assert!(check("t<5000ns and t>3us", d.clone()));
    assert!(check("s=5m", d.clone()), "text equality as written");
    assert!(!check("s>1m", d));
}

#[test]
fn order_is_numeric_temporal_or_by_severity_and_nothing_else() {
    let r = json!({"amount": 15000, "s": "2999.00", "level": "warn",
                   "ts": "2024-05-01T06:30:00+05:30", "epoch": 1714525200});
    // Quoted or not, a number is a number.
    assert!(check(r#"amount>"10000""#, r.clone()) && check("amount>10000", r.clone()));
    assert!(!check(r#"s>"10000""#, r.clone()) && check(r#"s<"10000""#, r.clone()));
    // Levels by severity, in any case; a value that is no level never compares.
    assert!(check("level>=WARN", r.clone()) && check("level>=warning", r.clone()));
    assert!(check("level<ERROR", r.clone()) && !check("level>=error", r.clone()));
    assert!(!check("amount>=WARN", r.clone()));
    for (lvl, want) in [
        ("ERROR", true),
        ("Fatal", true),
        ("INFO", false),
        ("debug", false),
    ] {
        assert_eq!(check("level>=WARN", json!({"level": lvl})), want, "{lvl}");
    }
    // Timestamps as instants, whatever the offset or form of either side.
    assert!(check("ts>=2024-05-01T06:00+05:30", r.clone()));
    assert!(check("ts<2024-05-01T01:01:00Z", r.clone()));
    assert!(!check("ts>=2024-05-01T01:01:00Z", r.clone()));
    assert!(check(
        "epoch>=2024-05-01T01:00:00Z and epoch<=2024-05-01T01:00:00Z",
        r.clone()
    ));
    // Single quotes, the SQL habit, are a string as written.
    assert!(check("level='warn'", r.clone()) && !check("level='WARN'", r.clone()));
    assert!(check("x='it''s'", json!({"x": "it's"})));
    // Anything else has no order: refused at parse time, with the column.
    for bad in ["level>=E", "x<abc", "x>true", "x<=null", r#"x>"n/a""#] {
        let e = Expr::parse(bad).expect_err(bad).to_string();
        assert!(e.contains("compares numbers"), "{bad}: {e}");
    }
}

#[test]
fn nesting_is_bounded_and_non_ascii_is_read() {
    for deep in [
        format!("{}a=1{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}a=1", "not ".repeat(100_000)),
        format!("{}a=1{}", "!".repeat(100_000), ""),
        format!("{}a=1{}", "any(".repeat(100_000), ")".repeat(100_000)),
    ] {
        let e = Expr::parse(&deep).expect_err("too deep").to_string();
        assert!(
            e.contains("nested deeper than 128"),
            "{}",
            &e[..80.min(e.len())]
        );
    }
    let ok = format!("{}a=1{}", "(".repeat(128), ")".repeat(128));
    assert!(check(&ok, json!({"a": 1})));
    for src in [
        "x=é",
        "é=x",
        "x~=é and y=ü",
        "é",
        "x in (é, ü)",
        "nötig=1",
        "ändern",
    ] {
        let _ = Expr::parse(src).expect(src);
    }
    assert!(check("city=Bengaluru or name=é", json!({"name": "é"})));
    assert!(Expr::parse("x=1 añd y=2").is_err());
}

#[test]
fn missing_and_null_fields() {
    let r = json!({"a":null,"b":1});
    assert!(!check("level=ERROR", r.clone()));
    assert!(!check("level!=ERROR", r.clone()));
    assert!(check("not level=ERROR", r.clone()));
    assert!(check("a=null", r.clone()));
    assert!(!check("a!=null", r.clone()));
    assert!(!check("a!=x", r.clone()));
    assert!(check("b!=null", r.clone()));
    assert!(check("exists(a) and not exists(c)", r.clone()));
    assert!(!check("a", r.clone()));
    assert!(check("b", r));
}

#[test]
fn precedence_and_arrays() {
    let r = json!({"x":1,"y":2,"tags":["upi","card"]});
    assert!(check("x=1 or x=2 and y=3", r.clone()));
    assert!(!check("(x=1 or x=2) and y=3", r.clone()));
    assert!(check("not x=2 and y=2", r.clone()));
    assert!(check("tags=upi", r.clone()));
    assert!(!check("tags!=upi", r.clone()));
    assert!(check("x=1 && !(y=3) || false", r));
}

#[test]
fn errors_point_at_columns() {
    let e = Expr::parse("amount>10000 and status>=")
        .expect_err("bad")
        .to_string();
    assert!(
        e.starts_with("bad expression at 26: expected a value after '>='"),
        "{e}"
    );
    let e = Expr::parse("(a=1").expect_err("bad").to_string();
    assert!(e.starts_with("bad expression at 5: expected ')'"), "{e}");
    let e = Expr::parse("a=1 b=2").expect_err("bad").to_string();
    assert!(
        e.starts_with("bad expression at 5: unexpected 'b=2'"),
        "{e}"
    );
    let metrics = json!({"p99(response_time_ms)": 850, "sum(http.bytes)": 10});
    assert!(check(
        "p99(response_time_ms) > 800 and sum(http.bytes)=10",
        metrics
    ));
    let e = Expr::parse(r#"m~~="(""#).expect_err("bad").to_string();
    assert!(e.contains("bad regex"), "{e}");
    assert!(Expr::parse("").is_err());
    assert!(Expr::parse(r#"m="unclosed"#).is_err());
}

#[test]
fn ignore_case_folds_text_tests_only() {
    let folded = |expr: &str, v: Value| {
        Expr::parse(expr)
            .expect("parses")
            .ignore_case()
            .matches(&obj(v))
    };
    let rec = json!({"level": "Error", "msg": "Gateway TIMEOUT", "tags": ["UPI", "Card"], "n": 5});
    assert!(folded("level=ERROR", rec.clone()));
    assert!(
        !check("level=ERROR", rec.clone()),
        "without -i, case counts"
    );
    assert!(folded("msg~=timeout", rec.clone()));
    assert!(folded("msg~~='^gateway'", rec.clone()));
    assert!(folded("tags in (card, netbanking)", rec.clone()));
    assert!(folded("tags=upi", rec.clone()), "any element");
    assert!(!folded("level!=error", rec.clone()));
    assert!(folded("level!=warn", rec.clone()));
    assert!(
        !folded("missing!=x", rec.clone()),
        "!= still needs the field"
    );
    assert!(folded("n=5 and n>4 and not level=info", rec.clone()));
    assert!(
        folded("level>=warn", rec),
        "levels compare by severity as before"
    );
}
