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
    ] {
        check(text);
    }
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
