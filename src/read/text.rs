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

/// Input files above this many bytes (2 GiB) are refused unless the limit
/// is raised (the CLI's `--max-input-mb`): a city's layers are a few hundred
/// megabytes, and a runaway file should not fill memory.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum TextError {
    /// Opening, measuring or mapping it failed.
    Io(std::io::Error),
    /// Not UTF-8: the offset of the first bad byte.
    NotUtf8(usize),
    /// Not a regular file: what it is ("a FIFO (named pipe)", "a folder", …).
    NotRegular(&'static str),
    /// A symlink to nothing: where it points.
    Dangling(std::path::PathBuf),
    /// A symlink that leads back to itself.
    Loop,
    /// Longer than the limit: its size and the limit, in bytes.
    TooLarge(u64, u64),
    /// Nothing at that path.
    Missing,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            TextError::Io(e) => write!(f, "cannot be read: {e}"),
            TextError::NotUtf8(at) => write!(f, "is not UTF-8 text (byte {at} is not)"),
            TextError::NotRegular(what) => write!(f, "is {what}, not a regular file"),
            TextError::Dangling(to) => {
                write!(f, "is a symlink to {}, which does not exist", to.display())
            }
            TextError::Loop => write!(f, "is a symlink loop (it leads back to itself)"),
            TextError::TooLarge(len, cap) => write!(
                f,
                "is {}, above the limit of {} for an input file",
                size(*len),
                size(*cap)
            ),
            TextError::Missing => write!(f, "does not exist"),
        }
    }
}

impl TextError {
    /// How to fix it, where we can tell.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            TextError::Io(_) => None,
            TextError::NotUtf8(_) => Some(
                "save the file as UTF-8 (GeoJSON is UTF-8 by RFC 7946), e.g. with ogr2ogr or QGIS",
            ),
            TextError::NotRegular(_) | TextError::Dangling(_) | TextError::Loop => Some(
                "linli reads regular files (or symlinks to them): copy the data into a file, or remove the entry",
            ),
            TextError::TooLarge(..) => Some(
                "pass --max-input-mb with a larger limit if the file is meant to be this large",
            ),
            TextError::Missing => {
                Some("check the path (a relative one starts from the folder linli runs in)")
            }
        }
    }
}

impl TextError {
    /// The error for the file at `path`: an I/O failure, or a problem with
    /// the input naming the file (with `hint`, else [`TextError::hint`]).
    pub fn into_error(self, path: &Path, hint: Option<&str>) -> crate::error::Error {
        use crate::error::{Error, Problem};
        if let TextError::Io(e) = self {
            return Error::io(path, e);
        }
        let what = Problem::file(path.display().to_string(), self.to_string());
        Error::Input(vec![match hint.or(self.hint()) {
            Some(h) => what.with_hint(h),
            None => what,
        }])
    }
}

/// Checks an input file a command reads by itself (an extract, a layer
/// given by name): a regular file of at most `cap` bytes; returns its size.
///
/// ```
/// let e = linli::read::text::check_input(std::path::Path::new("/dev/null"), 1 << 20).unwrap_err();
/// assert!(e.to_string().contains("is a device, not a regular file"));
/// let e = linli::read::text::check_input(std::path::Path::new("/no/city.osm.pbf"), 1 << 20).unwrap_err();
/// assert!(e.to_string().contains("/no/city.osm.pbf: does not exist"));
/// ```
pub fn check_input(path: &Path, cap: u64) -> Result<u64, crate::error::Error> {
    match input_file(path, cap) {
        Ok(Some(len)) => Ok(len),
        Ok(None) => Err(TextError::Missing.into_error(path, None)),
        Err(e) => Err(e.into_error(path, None)),
    }
}

/// A size for messages: megabytes (MiB) from one up, else bytes.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{bytes} bytes")
    }
}

/// What kind of entry `path` is, when it is not a regular file.
fn not_regular(t: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    if t.is_dir() {
        Some("a folder")
    } else if t.is_file() {
        None
    } else {
        Some("not a file")
    }
}

/// Checks `path` is a regular file (or a symlink to one) of at most `cap`
/// bytes, without opening it (opening a FIFO would wait for a writer):
/// `Ok(None)` when there is nothing at `path`, `Ok(Some(len))` when it may
/// be read.
///
/// ```
/// use linli::read::text::{input_file, TextError};
/// let dir = std::env::temp_dir();
/// assert!(matches!(input_file(&dir, 1 << 20), Err(TextError::NotRegular("a folder"))));
/// assert!(matches!(input_file(&dir.join("linli-no-such-file"), 1 << 20), Ok(None)));
/// ```
pub fn input_file(path: &Path, cap: u64) -> Result<Option<u64>, TextError> {
    let link = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(TextError::Io(e)),
        Ok(m) => m,
    };
    let meta = if link.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let to = std::fs::read_link(path).unwrap_or_default();
                return Err(TextError::Dangling(to));
            }
            Err(e) if is_loop(&e) => return Err(TextError::Loop),
            Err(e) => return Err(TextError::Io(e)),
        }
    } else {
        link
    };
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(TextError::NotRegular(what));
    }
    if meta.len() > cap {
        return Err(TextError::TooLarge(meta.len(), cap));
    }
    Ok(Some(meta.len()))
}

/// Whether `e` is "too many levels of symbolic links" (ELOOP).
fn is_loop(e: &std::io::Error) -> bool {
    // ErrorKind::FilesystemLoop is not stable; ELOOP is 40 on Linux, 62 on
    // the BSDs and macOS.
    let eloop = if cfg!(target_os = "linux") { 40 } else { 62 };
    cfg!(unix) && e.raw_os_error() == Some(eloop)
}

impl Text {
    /// Reads (or, when large, maps) the file at `path`.
    ///
    /// A mapped file must not be changed while it is read: shortening it
    /// then would stop the process (as with any program that maps files,
    /// ripgrep among them). Scenario files are inputs nobody edits mid-run.
    pub fn read(path: &Path) -> Result<Text, TextError> {
        Text::read_capped(path, DEFAULT_MAX_BYTES)
    }

    /// [`Text::read`] of a regular file of at most `cap` bytes (see
    /// [`input_file`]); a missing file is an I/O error.
    pub fn read_capped(path: &Path, cap: u64) -> Result<Text, TextError> {
        if input_file(path, cap)?.is_none() {
            return Err(TextError::Missing);
        }
        let file = std::fs::File::open(path).map_err(TextError::Io)?;
        // What was opened is checked again: the name may have changed hands.
        let meta = file.metadata().map_err(TextError::Io)?;
        if let Some(what) = not_regular(meta.file_type()) {
            return Err(TextError::NotRegular(what));
        }
        let len = meta.len();
        if len > cap {
            return Err(TextError::TooLarge(len, cap));
        }
        if len < MAP_FROM_BYTES {
            use std::io::Read;
            // At most what was measured (and one byte more, to notice a
            // file that grows while it is read).
            let mut bytes = Vec::with_capacity(len as usize);
            (&file)
                .take(len + 1)
                .read_to_end(&mut bytes)
                .map_err(TextError::Io)?;
            if bytes.len() as u64 > len {
                return Err(TextError::Io(std::io::Error::other(
                    "the file grew while it was read",
                )));
            }
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

impl Text {
    /// The whole file, a byte-order mark included (what its digest in
    /// manifest.json is of).
    pub fn file_text(&self) -> &str {
        match &self.0 {
            Inner::Owned(s) => s,
            // SAFETY: checked to be UTF-8 in `Text::read`, and a map never
            // changes through this handle.
            Inner::Mapped(m) => unsafe { std::str::from_utf8_unchecked(m) },
        }
    }
}

/// The text without a leading UTF-8 byte-order mark, which Windows tools
/// (Notepad, Excel, ArcGIS exports) put at the start of a file: JSON and
/// TOML readers may ignore one (RFC 8259 §8.1), and linli does.
///
/// ```
/// let t = linli::read::text::Text::from("\u{feff}{\"type\": \"FeatureCollection\"}");
/// assert!(t.starts_with('{'));
/// assert_eq!(t.file_text().len(), t.len() + 3);
/// ```
impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        let t = self.file_text();
        t.strip_prefix('\u{feff}').unwrap_or(t)
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
            Err(TextError::Missing)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("linli-text-kinds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("real"), "{}").unwrap();
        symlink(dir.join("real"), dir.join("link")).unwrap();
        symlink(dir.join("gone"), dir.join("dangling")).unwrap();
        symlink(dir.join("loop"), dir.join("loop")).unwrap();
        symlink("/dev/zero", dir.join("zero")).unwrap();
        let fifo = dir.join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .is_ok_and(|s| s.success())
        );
        assert_eq!(&*Text::read(&dir.join("link")).unwrap(), "{}");
        let err = |name: &str| Text::read(&dir.join(name)).unwrap_err().to_string();
        assert!(err("dangling").contains("is a symlink to") && err("dangling").contains("gone"));
        assert_eq!(err("loop"), "is a symlink loop (it leads back to itself)");
        assert_eq!(err("zero"), "is a device, not a regular file");
        // Would block forever if it were opened.
        assert_eq!(err("fifo"), "is a FIFO (named pipe), not a regular file");
        assert_eq!(
            Text::read_capped(&dir.join("real"), 1)
                .unwrap_err()
                .to_string(),
            "is 2 bytes, above the limit of 1 bytes for an input file"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
