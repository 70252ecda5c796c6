//! `testvectors/uso.csv` without the RTL: every row loads, every `ok` row's golden
//! segments pass the independent etherparse check, and every refused row is refused by the
//! golden model (Linux's own rules) with the error that matches the row's expected status.

use std::path::Path;

use ufo_driver::desc::Status;
use ufo_golden::GoldenError;
use ufo_testbench::case::Expect;
use ufo_testbench::checks::{independent_check, verify_checksums};
use ufo_testbench::vectors::load_file;

/// The completion status the engine owes for a super-frame the golden model refuses.
fn status_for(e: &GoldenError) -> Status {
    match e {
        GoldenError::UsoGsoSize => Status::UsoGsoSize,
        GoldenError::UsoSegments { .. } => Status::UsoSegments,
        GoldenError::UsoChecksumOff => Status::UsoCsum,
        GoldenError::UsoLength { .. } => Status::UsoLength,
        GoldenError::NotUdp(_) | GoldenError::Ipv6NotUdp(_) => Status::from_code(13),
        GoldenError::UsoCsumPosition { .. } => Status::from_code(17),
        other => panic!("no USO status for {other}"),
    }
}

#[test]
fn uso_vectors_hold_against_the_golden_model() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testvectors/uso.csv");
    let cases = load_file(&file).expect("uso.csv loads");
    let (mut ok, mut refused) = (0, 0);
    for case in &cases {
        assert!(
            case.skb.uso_gso_size.is_some(),
            "{}: not a USO row",
            case.name
        );
        match &case.expect {
            Expect::Frames(frames) => {
                independent_check(&case.name, case, frames).unwrap();
                for (k, f) in frames.iter().enumerate() {
                    verify_checksums(&format!("{} segment {k}", case.name), f, false).unwrap();
                }
                ok += 1;
            }
            Expect::Error(want) => {
                let e = case.skb.golden().expect_err(&case.name);
                assert_eq!(status_for(&e), *want, "{}: golden says {e}", case.name);
                refused += 1;
            }
            other => panic!("{}: unexpected {other:?}", case.name),
        }
    }
    assert_eq!((ok, refused), (35, 10));
}

#[test]
fn bad_uso_rows_name_file_line_and_field() {
    let header = "name,mtu,payload,layout,head_payload,pattern,ip_id,df,vlan,udp_csum,ufo,fault,expect,notes,gso_size\n";
    for (row, field) in [
        (
            "a,1500,100,pages,0,inc,1,0,,full,0,none,ok,,70000\n",
            "gso_size",
        ),
        (
            "a,1500,100,pages,0,inc,1,0,,full,0,none,ok,,x\n",
            "gso_size",
        ),
        (
            "a,1500,100,pages,0,inc,1,0,,full,1,none,ok,,100\n",
            "gso_size",
        ),
        (
            "a,1500,100,pages,0,inc,1,0,,sw,0,none,ok,,100\n",
            "udp_csum",
        ),
        (
            "a,1500,100,pages,0,inc,1,0,,full,0,uso_gso_zero,uso_bogus,,100\n",
            "expect",
        ),
    ] {
        let text = format!("{header}{row}");
        let err = ufo_testbench::vectors::load_str(&text, Path::new("t.csv"))
            .expect_err(row)
            .to_string();
        assert!(
            err.starts_with(&format!("t.csv:2: field '{field}'")),
            "{row}: {err}"
        );
    }
}
