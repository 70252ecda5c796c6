//! JUnit XML reports, the format CI systems (GitLab, Jenkins, GitHub test reporters) display:
//! one `<testcase>` per vector, random packet or replayed frame, its failure text in a
//! `<failure>` element.
//!
//! Written by hand rather than with a crate: the format needs a dozen lines, and the one subtle
//! part, escaping, is here and tested. Text and attribute values escape `& < > " '`; characters
//! XML 1.0 does not allow at all (control characters other than tab, newline and carriage
//! return) are written as `\u{..}`, so any failure text gives a well-formed file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// A report that cannot be written.
#[derive(Debug, Error)]
#[error("{}: {source}", path.display())]
pub struct JunitError {
    /// The file.
    pub path: PathBuf,
    /// Why not.
    pub source: std::io::Error,
}

/// One test case of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The case's name (vector name, `random-K`, `frame-N`).
    pub name: String,
    /// Its group: the vector file, `random`, or the replayed capture.
    pub classname: String,
    /// `None`: passed; `Some(text)`: the failure report (first line is the message).
    pub failure: Option<String>,
}

/// One test suite: a run or a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// Suite name, e.g. `ufo-sim run`.
    pub name: String,
    /// Wall-clock seconds the suite took.
    pub time_s: f64,
    /// Name/value pairs CI shows with the suite: seed, MTUs, the command that replays it.
    pub properties: Vec<(String, String)>,
    /// The cases, in run order.
    pub cases: Vec<TestCase>,
}

impl Suite {
    /// Failed cases.
    pub fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_some()).count()
    }

    /// The report as a JUnit XML document.
    pub fn to_xml(&self) -> String {
        let (tests, failures) = (self.cases.len(), self.failures());
        let name = escape(&self.name);
        let time = format!("{:.3}", self.time_s);
        let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        // Writing to a String cannot fail.
        let _ = writeln!(
            x,
            "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"{time}\">"
        );
        let _ = writeln!(
            x,
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{time}\">"
        );
        if !self.properties.is_empty() {
            x.push_str("    <properties>\n");
            for (k, v) in &self.properties {
                let _ = writeln!(
                    x,
                    "      <property name=\"{}\" value=\"{}\"/>",
                    escape(k),
                    escape(v)
                );
            }
            x.push_str("    </properties>\n");
        }
        for c in &self.cases {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{}\"",
                escape(&c.name),
                escape(&c.classname)
            );
            match &c.failure {
                None => x.push_str("/>\n"),
                Some(text) => {
                    let message = text.lines().next().unwrap_or("");
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>",
                        escape(message),
                        escape(text)
                    );
                }
            }
        }
        x.push_str("  </testsuite>\n</testsuites>\n");
        x
    }

    /// Writes [`Self::to_xml`] to `path`, creating its directory.
    pub fn write(&self, path: &Path) -> Result<(), JunitError> {
        let err = |source| JunitError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        std::fs::write(path, self.to_xml()).map_err(err)
    }
}

/// `s` as XML text or attribute value (see the module documentation).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("x\u{1}y\u{1b}[0m\tz\n"), "x\\u{1}y\\u{1b}[0m\tz\n");
        assert_eq!(escape("ünïcödé ✓"), "ünïcödé ✓");
    }
}
