//! The terminal's real size: human views fit it. Shells do not export `$COLUMNS` to programs,
//! so it is only the fallback when standard output is no terminal (a pager, a file).

/// Columns to draw a human view in: `asked` (`--width`), else the terminal's width when
/// standard output is one, else `$COLUMNS`, else 120.
pub fn width(asked: Option<usize>) -> usize {
    if let Some(w) = asked {
        return w;
    }
    let term = console::Term::stdout();
    if let Some((_, cols)) = term.size_checked() {
        return usize::from(cols);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(120)
}

/// `text` folded into lines of at most `width` characters: at its double spaces (the fields
/// of a view's header) where it can, mid-field where a field alone is wider.
pub fn fold(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in text.lines() {
        let mut cur = String::new();
        for field in line.split("  ") {
            let sep = if cur.is_empty() { 0 } else { 2 };
            if cur.chars().count() + sep + field.chars().count() > width && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            } else if sep > 0 {
                cur.push_str("  ");
            }
            for ch in field.chars() {
                if cur.chars().count() == width {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push(ch);
            }
        }
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_fields_and_never_past_the_width() {
        let t = "trace 4bf92f3577b34da6  2024-05-01T10:00:00+05:30  1.2s  13 spans  services: a, b";
        for w in [10, 30, 60, 200] {
            for l in fold(t, w) {
                assert!(l.chars().count() <= w, "{w}: {l}");
            }
        }
        assert_eq!(fold(t, 200), vec![t.to_string()]);
        assert_eq!(fold("ab  cd", 4), vec!["ab", "cd"]);
        assert_eq!(fold("abcdef", 4), vec!["abcd", "ef"]);
        assert_eq!(fold("a\nb", 9), vec!["a", "b"]);
    }
}
