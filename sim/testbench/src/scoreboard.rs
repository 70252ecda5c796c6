//! Byte-exact comparison of the frames the RTL sent with the golden model's. A mismatch names
//! the datagram, the fragment, the byte and the header field that byte belongs to.

use std::fmt;

use crate::fields::field_at;

/// The first difference between expected and actual frames of one datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Case name and its index in the run.
    pub datagram: String,
    /// What differs.
    pub kind: MismatchKind,
}

/// What differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MismatchKind {
    /// A different number of frames.
    FrameCount { expected: usize, actual: usize },
    /// A frame of a different length (the common prefix is equal).
    Length {
        fragment: usize,
        expected: usize,
        actual: usize,
    },
    /// A byte differs.
    Byte {
        fragment: usize,
        fragments: usize,
        offset: usize,
        field: String,
        expected: u8,
        actual: u8,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "datagram {}: ", self.datagram)?;
        match &self.kind {
            MismatchKind::FrameCount { expected, actual } => {
                write!(f, "{actual} frames sent, {expected} expected")
            }
            MismatchKind::Length {
                fragment,
                expected,
                actual,
            } => write!(
                f,
                "fragment {fragment}: {actual} bytes sent, {expected} expected"
            ),
            MismatchKind::Byte {
                fragment,
                fragments,
                offset,
                field,
                expected,
                actual,
            } => write!(
                f,
                "fragment {fragment} of {fragments}, byte {offset} ({field}): \
                 expected 0x{expected:02x}, got 0x{actual:02x}"
            ),
        }
    }
}

impl std::error::Error for Mismatch {}

/// Compares one datagram's frames. Byte differences are reported before length differences so
/// that a shifted frame shows where it went wrong.
pub fn compare(datagram: &str, expected: &[Vec<u8>], actual: &[Vec<u8>]) -> Result<(), Mismatch> {
    let fail = |kind| {
        Err(Mismatch {
            datagram: datagram.to_string(),
            kind,
        })
    };
    for (i, (exp, act)) in expected.iter().zip(actual).enumerate() {
        if let Some(offset) = exp.iter().zip(act.iter()).position(|(a, b)| a != b) {
            return fail(MismatchKind::Byte {
                fragment: i,
                fragments: expected.len(),
                offset,
                field: field_at(exp, offset),
                expected: exp[offset],
                actual: act[offset],
            });
        }
        if exp.len() != act.len() {
            return fail(MismatchKind::Length {
                fragment: i,
                expected: exp.len(),
                actual: act.len(),
            });
        }
    }
    if expected.len() != actual.len() {
        return fail(MismatchKind::FrameCount {
            expected: expected.len(),
            actual: actual.len(),
        });
    }
    Ok(())
}
