//! The core's JSON reader against serde_json as referee: over a corpus and 30,000 generated
//! documents, both accept the same texts and read the same values (numbers compared as integers
//! where both see one, else by their text).

use serde_json::Value;
use sso_bridge::json::Json;

fn same(ours: &Json, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::String(a), Value::String(b)) => a == b,
        (Json::Number(text), Value::Number(number)) => match (ours.as_i64(), number.as_i64()) {
            (Some(a), Some(b)) => a == b,
            // serde_json reads `1.7e9` as a float; we read it as the whole number it is.
            (Some(a), None) => number.as_f64() == Some(a as f64),
            (None, _) => number.as_f64() == text.parse::<f64>().ok(),
        },
        (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Json::Object(members), Value::Object(map)) => {
            // serde_json keeps the last of repeated keys, as our lookup does.
            map.iter().all(|(key, value)| ours.get(key).is_some_and(|o| same(o, value)))
                && members.iter().all(|(key, _)| map.contains_key(key))
        }
        _ => false,
    }
}

fn check(text: &str) {
    let ours = Json::parse(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(o), Ok(t)) => assert!(same(o, t), "{text:?}: we read {o:?}, serde_json {t:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text:?}: we say {ours:?}, serde_json says {theirs:?}"),
    }
}

#[test]
fn a_corpus_of_tricky_documents() {
    for text in [
        "{}",
        "[]",
        "null",
        "true",
        "0",
        "-0",
        "1e5",
        "1E+5",
        "1.5e-3",
        "-12.50",
        "\"\"",
        " \t\r\n[ ] ",
        r#"{"a":{"b":[1,{"c":null}]}}"#,
        r#"{"k":1,"k":2}"#,
        r#""\u0000\u001f\u007f""#,
        r#""\ud834\udd1e""#,
        r#""\uD834\uDD1E""#,
        r#""\ud834""#,
        r#""\udd1e\ud834""#,
        r#""\u00"#,
        "\"\u{1}\"",
        "\"\u{7f}\"",
        "[1,2,]",
        "[,]",
        "{\"a\"}",
        "{\"a\":}",
        "01",
        "-01",
        "1.",
        ".1",
        "-",
        "+1",
        "1e",
        "1e+",
        "0x10",
        "[1]x",
        "[1] ",
        "\u{feff}[]",
        "'a'",
        "[\"a\",\"b\"",
        "{\"a\":1 \"b\":2}",
        "tru",
        "nulll",
        "[true,false]",
        "18446744073709551616",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "{\"accessToken\": \"x\", \"expiresAt\": \"2026-01-01T00:00:00Z\"}",
        // Beyond an f64: serde_json refuses them (issue 14), and so do we.
        "1e400",
        "-1e400",
        "[1e309]",
        "{\"expiresIn\": 1E+400}",
        "10e308",
        "1e99999999999999999999999",
        // Within range, or too small (read as 0 by serde_json): accepted.
        "1e308",
        "1.7976931348623157e308",
        "0.0001e312",
        "1e-400",
        "-1e-400",
        "0e400",
        "0e99999999999999999999999",
        "1e-99999999999999999999999",
    ] {
        check(text);
    }
}

/// The edge of the f64 range, where serde_json's reader (not correctly rounded) decides: both must
/// accept and refuse the same numbers; accepted values agree to within rounding.
#[test]
fn numbers_at_the_edge_of_the_f64_range_agree() {
    let threshold = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
    let mut texts: Vec<String> = vec![
        threshold.into(),
        format!("{}1", &threshold[..threshold.len() - 1]),
        format!("1{}", "0".repeat(400)),
        "1.7976931348623158e308".into(),
        "-1.7976931348623158e308".into(),
        "1.79769313486231570e308".into(),
        "17976931348623157.9e292".into(),
        "18446744073709551616.5e289".into(),
        "1844674407370955161.6e289".into(),
        "0.00000000000000000000000000017976931348623157e336".into(),
    ];
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let (mut refused, mut accepted) = (0, 0);
    let mut next = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    for _ in 0..30_000 {
        let mut text = String::new();
        if next(4) == 0 {
            text.push('-');
        }
        // Mostly the digits of f64::MAX, perturbed, so the edge itself is hit often.
        let leading = if next(2) == 0 { "17976931348623157" } else { "17976931348623158" };
        let integer_digits = 1 + next(24) as usize;
        for i in 0..integer_digits {
            let digit =
                if i < leading.len() && next(3) != 0 { leading.as_bytes()[i] } else { b'0' + next(10) as u8 };
            text.push(if i == 0 && digit == b'0' { '1' } else { digit as char });
        }
        if next(2) == 0 {
            text.push('.');
            for _ in 0..1 + next(24) {
                text.push((b'0' + next(10) as u8) as char);
            }
        }
        let exponent = 330 - next(60) as i64 - integer_digits as i64;
        text.push_str(&format!("e{exponent}"));
        texts.push(text);
    }
    for text in &texts {
        let ours = Json::parse(text);
        let theirs = serde_json::from_str::<Value>(text);
        match (&ours, &theirs) {
            (Ok(Json::Number(ours)), Ok(Value::Number(theirs))) => {
                let (a, b) = (ours.parse::<f64>().unwrap(), theirs.as_f64().unwrap());
                assert!((a - b).abs() <= a.abs() * 1e-15, "{text}: {a} against serde_json's {b}");
                accepted += 1;
            }
            (Err(error), Err(_)) => {
                assert_eq!(error.kind, sso_bridge::json::JsonErrorKind::NumberOutOfRange);
                refused += 1;
            }
            _ => panic!("{text}: we say {ours:?}, serde_json says {theirs:?}"),
        }
    }
    // Both sides of the edge are well represented.
    assert!(refused > 5_000 && accepted > 5_000, "{refused} refused, {accepted} accepted");
}

#[test]
fn generated_documents_agree() {
    // A fixed-seed generator: fragments of JSON glued at random, so most texts are nearly JSON.
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\"",
        "\"k\"",
        "\"v\"",
        "\\",
        "\\n",
        "\\u00e9",
        "\\ud83d",
        "\\ude00",
        "\\x",
        "1",
        "0",
        "-",
        ".",
        "e",
        "E",
        "+",
        "25",
        "true",
        "false",
        "null",
        "nul",
        "é",
        "\t",
        "\u{1}",
        "\"a\\\"b\"",
        "{\"a\":1}",
        "[1,2]",
    ];
    let mut state: u64 = 0x05ee_d0f5_50b2_1d9e;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut accepted = 0;
    for _ in 0..30_000 {
        let count = 1 + next() % 12;
        let text: String = (0..count).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
        check(&text);
        accepted += usize::from(serde_json::from_str::<Value>(&text).is_ok());
    }
    assert!(accepted > 500, "the generator should make plenty of valid JSON too ({accepted})");
}
