//! CSV records as RFC 4180 writes them (and spreadsheets save them):
//! fields separated by commas, quoted with `"` when they hold a comma, a
//! quote (doubled) or a line break; CRLF or LF line ends; a UTF-8 byte-order
//! mark at the start ignored.

/// One record: the line it starts on (1-based) and its fields, trimmed of
/// the spaces around them (inside quotes, spaces are kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Line number of the record's first line.
    pub line: usize,
    /// Its fields.
    pub fields: Vec<String>,
}

/// Why a text is not CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvError {
    /// The line where it went wrong.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

/// The records of `text`; blank lines are skipped.
///
/// ```
/// use linli::read::csv::records;
/// let r = records("\u{feff}community,workers\r\n\"C1\",\"2\"\n\"Zhang, \"\"East\"\"\",3\n\n").unwrap();
/// assert_eq!(r.len(), 3);
/// assert_eq!(r[1].fields, ["C1", "2"]);
/// assert_eq!(r[2].fields, ["Zhang, \"East\"", "3"]);
/// assert_eq!(r[2].line, 3);
/// assert!(records("a,\"b\nc").is_err());
/// ```
pub fn records(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        loop {
            match chars.next() {
                None => {
                    fields.push(finish(&field, quoted));
                    break;
                }
                Some('"') if field.trim().is_empty() && !quoted => {
                    quoted = true;
                    field.clear();
                    read_quoted(&mut chars, &mut field, start, &mut line)?;
                }
                Some(',') => {
                    fields.push(finish(&field, quoted));
                    field.clear();
                    quoted = false;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n') => {
                    fields.push(finish(&field, quoted));
                    line += 1;
                    break;
                }
                Some(c) => {
                    if quoted {
                        return Err(CsvError {
                            line,
                            what: "text after a quoted field's closing quote".into(),
                        });
                    }
                    field.push(c);
                }
            }
        }
        if !(fields.len() == 1 && fields[0].is_empty()) {
            out.push(Record {
                line: start,
                fields,
            });
        }
    }
    Ok(out)
}

/// The quoted part of a field (after its opening quote) into `field`, up
/// to its closing quote; only spaces may follow it before the separator.
/// `line` counts the line breaks inside it; `start` is the record's line.
fn read_quoted(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    field: &mut String,
    start: usize,
    line: &mut usize,
) -> Result<(), CsvError> {
    loop {
        match chars.next() {
            None => {
                return Err(CsvError {
                    line: start,
                    what: "a quoted field is not closed (a \" is missing)".into(),
                });
            }
            Some('"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            Some('"') => break,
            Some(c) => {
                if c == '\n' {
                    *line += 1;
                }
                field.push(c);
            }
        }
    }
    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
        chars.next();
    }
    if !matches!(chars.peek(), None | Some(',') | Some('\n') | Some('\r')) {
        return Err(CsvError {
            line: *line,
            what: "text after a quoted field's closing quote".into(),
        });
    }
    Ok(())
}

/// A field's value: quoted ones as they are, others trimmed.
fn finish(field: &str, quoted: bool) -> String {
    if quoted {
        field.to_string()
    } else {
        field.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_line_breaks_and_odd_ends() {
        let r = records("a,\"x\r\ny\"\r\nb,2\r\nc").unwrap();
        assert_eq!(r[0].fields, ["a", "x\r\ny"]);
        assert_eq!(
            (r[1].line, r[1].fields.clone()),
            (3, vec!["b".into(), "2".into()])
        );
        assert_eq!(r[2].fields, ["c"]);
        assert_eq!(records("").unwrap(), vec![]);
        assert_eq!(records("\n\n").unwrap(), vec![]);
        assert_eq!(records(" \"a\" , b ").unwrap()[0].fields, ["a", "b"]);
        let e = records("a\n\"b\"c,1").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(records("a,").unwrap()[0].fields, ["a", ""]);
    }
}
