//! A scenario file's text: held in memory, or mapped from the file.
//!
//! A city's layers are a hundred megabytes. Read into memory they are copied
//! from the page cache into as much fresh memory, which the kernel must hand
//! out and zero first; mapped, the parser reads the page cache itself.

use std::fmt;
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

/// Files at least this long (1 MiB) are mapped, smaller ones read.
const MAP_FROM_BYTES: u64 = 1 << 20;

/// UTF-8 text, owned or mapped; derefs to `str`.
///
/// ```
/// let t = linli::read::text::Text::from("{\"type\":\"FeatureCollection\"}");
/// assert!(t.starts_with('{'));
/// assert_eq!(&*t, "{\"type\":\"FeatureCollection\"}");
/// ```
#[derive(Clone)]
pub struct Text(Inner);

#[derive(Clone)]
enum Inner {
    Owned(String),
    /// Checked to be UTF-8 when mapped.
    Mapped(Arc<memmap2::Mmap>),
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum TextError {
    /// Opening, measuring or mapping it failed.
    Io(std::io::Error),
    /// Not UTF-8: the offset of the first bad byte.
    NotUtf8(usize),
}

impl Text {
    /// Reads (or, when large, maps) the file at `path`.
    ///
    /// A mapped file must not be changed while it is read: shortening it
    /// then would stop the process (as with any program that maps files,
    /// ripgrep among them). Scenario files are inputs nobody edits mid-run.
    pub fn read(path: &Path) -> Result<Text, TextError> {
        let file = std::fs::File::open(path).map_err(TextError::Io)?;
        let len = file.metadata().map_err(TextError::Io)?.len();
        if len < MAP_FROM_BYTES {
            let bytes = std::fs::read(path).map_err(TextError::Io)?;
            return String::from_utf8(bytes)
                .map(Text::from)
                .map_err(|e| TextError::NotUtf8(e.utf8_error().valid_up_to()));
        }
        // SAFETY: the map is only read, and is valid for as long as `Text`
        // holds it; the file changing underneath is the documented caveat.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(TextError::Io)?;
        std::str::from_utf8(&map).map_err(|e| TextError::NotUtf8(e.valid_up_to()))?;
        Ok(Text(Inner::Mapped(Arc::new(map))))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Inner::Owned(s) => s,
            // SAFETY: checked to be UTF-8 in `Text::read`, and a map never
            // changes through this handle.
            Inner::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m) },
        }
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Inner::Owned(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Inner::Owned(s.to_string()))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.0 {
            Inner::Owned(s) => write!(f, "Text({} bytes)", s.len()),
            Inner::Mapped(m) => write!(f, "Text({} bytes, mapped)", m.len()),
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("linli-text-{tag}-{}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn small_and_mapped_files_read_the_same() {
        for (tag, n) in [("small", 1000usize), ("large", 3 << 20)] {
            let body: String = "{\"a\":\"邻里\"},".repeat(n / 14 + 1);
            let p = temp(tag, body.as_bytes());
            let t = Text::read(&p).unwrap();
            assert_eq!(&*t, body.as_str());
            assert_eq!(format!("{t:?}").contains("mapped"), n >= 1 << 20);
            assert_eq!(t.clone(), Text::from(body));
            std::fs::remove_file(p).unwrap();
        }
        let p = temp("empty", b"");
        assert_eq!(&*Text::read(&p).unwrap(), "");
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn bytes_that_are_not_utf8_are_found() {
        for (tag, n) in [("bad-small", 100usize), ("bad-large", 2 << 20)] {
            let mut bytes = vec![b' '; n];
            bytes[n - 7] = 0xff;
            let p = temp(tag, &bytes);
            match Text::read(&p) {
                Err(TextError::NotUtf8(at)) => assert_eq!(at, n - 7),
                other => panic!("{tag}: {other:?}"),
            }
            std::fs::remove_file(p).unwrap();
        }
        assert!(matches!(
            Text::read(Path::new("/nonexistent/linli/x.geojson")),
            Err(TextError::Io(_))
        ));
    }
}
