//! The JUnit report parses as XML (roxmltree) and says what was written, whatever the names and
//! failure texts hold.

use ufo_testbench::junit::{Suite, TestCase};

fn suite() -> Suite {
    Suite {
        name: "ufo-sim run".into(),
        time_s: 1.25,
        properties: vec![
            ("seed".into(), "2026".into()),
            (
                "replay".into(),
                "target/release/ufo-sim run --seed 2026 --mtu 1500,576".into(),
            ),
        ],
        cases: vec![
            TestCase {
                name: "v4-basic-3frag".into(),
                classname: "testvectors/ipv4.csv".into(),
                failure: None,
            },
            TestCase {
                name: "odd <name> & \"quotes\" 'here'".into(),
                classname: "testvectors/x&y.csv".into(),
                failure: Some(
                    "datagram #3 'x' (f.csv:4): fragment 1 byte 18 (IPv4 header checksum): 0x12 sent, 0x34 expected\n  replay: target/release/ufo-sim run --only 'x' --count 0 </dev/null && echo ]]>"
                        .into(),
                ),
            },
            TestCase {
                name: "ctl\u{1}char".into(),
                classname: "random".into(),
                failure: Some("bad \u{1b}[31mcolour\u{1b}[0m".into()),
            },
        ],
    }
}

#[test]
fn report_parses_and_round_trips() {
    let s = suite();
    let xml = s.to_xml();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("2"));
    let ts = root
        .children()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(ts.attribute("name"), Some("ufo-sim run"));
    assert_eq!(ts.attribute("time"), Some("1.250"));
    let props: Vec<(&str, &str)> = ts
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|n| (n.attribute("name").unwrap(), n.attribute("value").unwrap()))
        .collect();
    assert_eq!(props[0], ("seed", "2026"));
    let cases: Vec<_> = ts
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[1].attribute("name"), Some(s.cases[1].name.as_str()));
    assert_eq!(cases[1].attribute("classname"), Some("testvectors/x&y.csv"));
    assert!(cases[0].children().all(|n| !n.has_tag_name("failure")));
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.text(), s.cases[1].failure.as_deref());
    assert_eq!(
        failure.attribute("message"),
        s.cases[1].failure.as_deref().unwrap().lines().next()
    );
    // Control characters, forbidden in XML 1.0, are spelled out.
    assert_eq!(cases[2].attribute("name"), Some("ctl\\u{1}char"));
}

#[test]
fn written_to_a_new_directory() {
    let dir = std::env::temp_dir().join(format!("ufo-junit-{}", std::process::id()));
    let path = dir.join("a/b/junit.xml");
    suite().write(&path).unwrap();
    let xml = std::fs::read_to_string(&path).unwrap();
    roxmltree::Document::parse(&xml).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let e = suite()
        .write(std::path::Path::new("/proc/nope/junit.xml"))
        .unwrap_err();
    assert!(e.to_string().contains("/proc/nope"), "{e}");
}
