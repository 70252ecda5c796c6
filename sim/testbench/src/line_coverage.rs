//! Line coverage of the RTL from a Verilator coverage file (`coverage.dat`, as
//! `verilator_coverage --write` merges them): per source file, the lines that hold a line or
//! branch coverage point, the ones hit, and the ones never hit; toggle points counted apart.
//!
//! The file is a list of `C '<keys>' <count>` lines; the keys are `\x01<name>\x02<value>`
//! pairs: `f` the file, `l` the line, `S` the lines a block covers (`12-14,16`), `page`
//! `v_line/...`, `v_branch/...` or `v_toggle/...`, `h` the instance. A line counts once however
//! many instances and points it has: hit when any of them was.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use thiserror::Error;

/// A coverage file line that cannot be read.
#[derive(Debug, Error)]
#[error("{path}:{line}: {what}")]
pub struct DatError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

/// Lines with points and lines hit, per source file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineCoverage {
    /// File -> line -> hit.
    pub files: BTreeMap<String, BTreeMap<u32, bool>>,
    /// Toggle points per source file: (hit, total).
    pub toggles: BTreeMap<String, (u64, u64)>,
}

fn parse_lines(spec: &str) -> Option<Vec<u32>> {
    let mut v = Vec::new();
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                v.extend(a..=b);
            }
            None => v.push(part.parse().ok()?),
        }
    }
    Some(v)
}

impl LineCoverage {
    /// Keeps (and names) the files `rename` gives a name, lines and toggles alike.
    pub fn select(&mut self, rename: impl Fn(&str) -> Option<String>) {
        fn pick<V>(
            m: &mut BTreeMap<String, V>,
            rename: &impl Fn(&str) -> Option<String>,
        ) -> BTreeMap<String, V> {
            std::mem::take(m)
                .into_iter()
                .filter_map(|(f, v)| rename(&f).map(|n| (n, v)))
                .collect()
        }
        self.files = pick(&mut self.files, &rename);
        self.toggles = pick(&mut self.toggles, &rename);
    }

    /// Reads a coverage file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<LineCoverage, DatError> {
        let mut c = LineCoverage::default();
        for (i, line) in text.lines().enumerate() {
            let bad = |what: &str| DatError {
                path: path.to_string(),
                line: i + 1,
                what: what.to_string(),
            };
            let Some(rest) = line.strip_prefix("C '") else {
                continue; // the header line
            };
            let (keys, count) = rest
                .rsplit_once("' ")
                .ok_or_else(|| bad("expected C '<keys>' <count>"))?;
            let count: u64 = count
                .trim()
                .parse()
                .map_err(|_| bad("the count is not a number"))?;
            let mut file = None;
            let mut lineno = None;
            let mut span = None;
            let mut page = "";
            for kv in keys.split('\x01').filter(|k| !k.is_empty()) {
                let (k, v) = kv
                    .split_once('\x02')
                    .ok_or_else(|| bad("a key without value"))?;
                match k {
                    "f" => file = Some(v),
                    "l" => lineno = Some(v),
                    "S" => span = Some(v),
                    "page" => page = v,
                    _ => {}
                }
            }
            let toggle = page.starts_with("v_toggle/");
            if !(toggle || page.starts_with("v_line/") || page.starts_with("v_branch/")) {
                continue;
            }
            let file = file.ok_or_else(|| bad("a point without a file"))?;
            if toggle {
                let t = c.toggles.entry(file.to_string()).or_default();
                t.1 += 1;
                t.0 += u64::from(count > 0);
                continue;
            }
            let lines = match span {
                Some(s) => parse_lines(s).ok_or_else(|| bad("unreadable line list"))?,
                None => vec![lineno
                    .and_then(|l| l.parse().ok())
                    .ok_or_else(|| bad("a point without a line"))?],
            };
            let entry = c.files.entry(file.to_string()).or_default();
            for l in lines {
                *entry.entry(l).or_insert(false) |= count > 0;
            }
        }
        Ok(c)
    }

    /// (hit, total) lines over every file.
    pub fn totals(&self) -> (usize, usize) {
        self.files.values().fold((0, 0), |(h, t), lines| {
            (h + lines.values().filter(|x| **x).count(), t + lines.len())
        })
    }

    /// Per file its percentage, then the lines never hit with their source text (`source`
    /// gives a file's text, if readable), then the total.
    pub fn report(&self, source: impl Fn(&str) -> Option<String>) -> String {
        let mut s = String::from("line coverage (line and branch points; a line counts once)\n");
        for (f, lines) in &self.files {
            let hit = lines.values().filter(|x| **x).count();
            let _ = writeln!(
                s,
                "  {f:<40} {hit:>5} / {:<5} {:>6.2}%",
                lines.len(),
                100.0 * hit as f64 / lines.len().max(1) as f64
            );
        }
        let (hit, total) = self.totals();
        let toggles = self
            .toggles
            .values()
            .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
        for (f, lines) in &self.files {
            let missed: BTreeSet<u32> = lines
                .iter()
                .filter(|(_, h)| !**h)
                .map(|(l, _)| *l)
                .collect();
            if missed.is_empty() {
                continue;
            }
            let text = source(f);
            let src: Vec<&str> = text.as_deref().map_or(Vec::new(), |t| t.lines().collect());
            let _ = writeln!(s, "never hit in {f}:");
            for l in missed {
                let code = src.get(l as usize - 1).map_or("", |x| x.trim());
                let _ = writeln!(s, "    {l:>5}: {code}");
            }
        }
        let _ = writeln!(
            s,
            "line coverage of the RTL: {hit} of {total} lines, {:.2}%; toggle points hit: {} of {} ({:.2}%)",
            100.0 * hit as f64 / total.max(1) as f64,
            toggles.0,
            toggles.1,
            100.0 * toggles.0 as f64 / toggles.1.max(1) as f64
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_toggles() {
        let dat = "# SystemC::Coverage-3\n\
            C '\x01f\x02rtl/a.sv\x01l\x0210\x01page\x02v_line/a\x01S\x0210-11\x01h\x02TOP.x' 3\n\
            C '\x01f\x02rtl/a.sv\x01l\x0210\x01page\x02v_line/a\x01S\x0210-11\x01h\x02TOP.y' 0\n\
            C '\x01f\x02rtl/a.sv\x01l\x0220\x01page\x02v_branch/a\x01h\x02TOP.x' 0\n\
            C '\x01f\x02rtl/a.sv\x01l\x025\x01page\x02v_toggle/a\x01h\x02TOP.x' 1\n";
        let c = LineCoverage::parse(dat, "c.dat").unwrap();
        assert_eq!(c.totals(), (2, 3));
        assert_eq!(c.toggles["rtl/a.sv"], (1, 1));
        let r = c.report(|_| None);
        assert!(r.contains("never hit in rtl/a.sv:\n       20: \n"), "{r}");
        assert!(r.contains("2 of 3 lines, 66.67%"), "{r}");
        let e = LineCoverage::parse("C 'x' y\n", "c.dat").unwrap_err();
        assert_eq!(e.to_string(), "c.dat:1: the count is not a number");
    }
}
