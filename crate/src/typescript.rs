//! Text helpers for TypeScript declarations rendered from Rust declarations. Two boundaries built on
//! the core generate their TypeScript this way: the npm package's JS API (`sso-bridge-wasm`) and the
//! helper's native-messaging protocol (`sso-bridge-host`). Each keeps its own declaration macros and
//! type mapping; the rendering of a declaration's text is shared here.

/// Declarations, each once, in the order they were first added.
#[derive(Debug, Default)]
pub struct Declarations(Vec<(&'static str, String)>);

impl Declarations {
    /// Adds `text` as the declaration of `name`, unless `name` is declared already.
    pub fn add(&mut self, name: &'static str, text: String) {
        if !self.0.iter().any(|(known, _)| *known == name) {
            self.0.push((name, text));
        }
    }

    /// Every declaration, in order, each after a blank line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (_, text) in &self.0 {
            out.push('\n');
            out.push_str(text);
        }
        out
    }
}

/// A JSDoc comment from `///` lines, as a declaration macro receives them (without the `///`; each
/// starts with a space): nothing for none, one line for one, a block for more.
pub fn doc_comment(out: &mut String, indent: &str, lines: &[&str]) {
    match lines {
        [] => {}
        [line] => out.push_str(&format!("{indent}/**{line} */\n")),
        lines => {
            out.push_str(&format!("{indent}/**\n"));
            for line in lines {
                out.push_str(&format!("{indent} *{line}\n"));
            }
            out.push_str(&format!("{indent} */\n"));
        }
    }
}

/// One member of an interface: its JSDoc, then `name: ts;`, or `name?: ts;` when it may be absent.
pub fn member_line(out: &mut String, docs: &[&str], name: &str, optional: bool, ts: &str) {
    doc_comment(out, "  ", docs);
    let mark = if optional { "?" } else { "" };
    out.push_str(&format!("  {name}{mark}: {ts};\n"));
}

/// The array type of `item`: `string[]`, or `(A | B)[]` for a union, which without the parentheses
/// would read as `A | B[]`.
pub fn array_of(item: &str) -> String {
    if item.contains(' ') {
        format!("({item})[]")
    } else {
        format!("{item}[]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_members_with_their_docs_and_each_declaration_once() {
        let mut text = String::new();
        doc_comment(&mut text, "", &[" A shape."]);
        text.push_str("export interface A {\n");
        member_line(&mut text, &[], "plain", false, "string");
        member_line(&mut text, &[" One line."], "maybe", true, "number | null");
        member_line(&mut text, &[" Two", " lines."], "list", false, "string[]");
        text.push_str("}\n");
        let mut declarations = Declarations::default();
        declarations.add("A", text);
        declarations.add("A", "export type A = never;\n".to_string());
        declarations.add("B", "export type B = string;\n".to_string());
        assert_eq!(array_of("string"), "string[]");
        assert_eq!(array_of("string | null"), "(string | null)[]");
        assert_eq!(
            declarations.render(),
            "\n/** A shape. */\nexport interface A {\n  plain: string;\n  /** One line. */\n  maybe?: number | null;\n  \
             /**\n   * Two\n   * lines.\n   */\n  list: string[];\n}\n\nexport type B = string;\n"
        );
    }
}
