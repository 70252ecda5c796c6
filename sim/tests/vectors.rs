//! The CSV vector loader: every malformed row is an error naming the file, the line and the
//! field, never a panic or a silent change; and (proptest) no text at all makes it panic.

use std::path::Path;

use proptest::prelude::*;
use ufo_sim::case::Fault;
use ufo_sim::vectors::{self, VectorError};

const HEADER: &str = "name,mtu,payload,layout,head_payload,pattern,ip_id,df,vlan,udp_csum,ufo,fault,expect,notes,ip,ip_options,ext,vlan_insert,frag_id,proto";

/// One row with every column; `edit` names the columns to change.
fn row(edit: &[(&str, &str)]) -> String {
    let mut cols = vec![
        ("name", "r"),
        ("mtu", "1500"),
        ("payload", "3000"),
        ("layout", "pages"),
        ("head_payload", "0"),
        ("pattern", "inc"),
        ("ip_id", "1"),
        ("df", "0"),
        ("vlan", ""),
        ("udp_csum", "full"),
        ("ufo", "1"),
        ("fault", "none"),
        ("expect", "ok"),
        ("notes", ""),
        ("ip", "4"),
        ("ip_options", ""),
        ("ext", ""),
        ("vlan_insert", ""),
        ("frag_id", ""),
        ("proto", ""),
    ];
    for (k, v) in edit {
        cols.iter_mut()
            .find(|c| c.0 == *k)
            .unwrap_or_else(|| panic!("no column {k}"))
            .1 = v;
    }
    cols.iter().map(|c| c.1).collect::<Vec<_>>().join(",")
}

/// Loads a file of a good row (line 2) and `bad` (line 3).
fn load(bad: &[(&str, &str)]) -> Result<usize, VectorError> {
    let text = format!("{HEADER}\n{}\n{}\n", row(&[]), row(bad));
    vectors::load_str(&text, Path::new("t.csv")).map(|c| c.len())
}

/// `bad` is refused with an error at t.csv line 3, field `field`, whose text contains `what`.
fn refused(bad: &[(&str, &str)], field: &str, what: &str) {
    let err = load(bad).expect_err("the row must be refused");
    let msg = err.to_string();
    assert_eq!(err.line, 3, "{msg}");
    assert_eq!(err.field.as_deref(), Some(field), "{msg}");
    assert!(
        msg.starts_with(&format!("t.csv:3: field '{field}': ")),
        "{msg}"
    );
    assert!(msg.contains(what), "'{what}' not in: {msg}");
}

#[test]
fn good_rows_load() {
    assert_eq!(load(&[]).unwrap(), 2);
    assert_eq!(
        load(&[("ip_options", "01010101"), ("pattern", "csum0")]).unwrap(),
        2
    );
    let ext = [("ip", "6"), ("ext", "hop:257/route:127"), ("mtu", "9000")];
    assert_eq!(load(&ext).unwrap(), 2);
}

#[test]
fn csum0_with_options_not_a_multiple_of_4() {
    refused(
        &[("pattern", "csum0"), ("ip_options", "010101")],
        "ip_options",
        "not a multiple of 4",
    );
}

#[test]
fn csum0_with_options_over_40_bytes() {
    let opts = "01".repeat(44);
    refused(
        &[("pattern", "csum0"), ("ip_options", &opts)],
        "ip_options",
        "more than 40",
    );
}

#[test]
fn non_ascii_in_ip_options() {
    refused(&[("ip_options", "0é01")], "ip_options", "hex digits");
    refused(&[("ip_options", "éé")], "ip_options", "hex digits");
    refused(&[("ip_options", "0x0g")], "ip_options", "hex digits");
}

#[test]
fn route_with_more_addresses_than_a_routing_header_holds() {
    refused(&[("ip", "6"), ("ext", "route:256")], "ext", "route:256");
    refused(&[("ip", "6"), ("ext", "route:128")], "ext", "1 to 127");
    refused(&[("ip", "6"), ("ext", "route:0")], "ext", "1 to 127");
}

#[test]
fn hop_option_lengths_are_checked_not_truncated() {
    // 2 + 255 is the longest one TLV holds; 258 used to wrap its length byte to 0.
    refused(&[("ip", "6"), ("ext", "hop:258")], "ext", "2 to 257");
    refused(&[("ip", "6"), ("ext", "dest:1")], "ext", "2 to 257");
    refused(&[("ip", "6"), ("ext", "hop:x")], "ext", "'x'");
}

#[test]
fn ipv6_payload_is_checked_before_it_is_allocated() {
    // 9e9 bytes: refused at once (an allocation first would take gigabytes).
    refused(
        &[("ip", "6"), ("payload", "9000000000")],
        "payload",
        "over 65535",
    );
    // the exact limit: 65535 - 8 (UDP) - 8 (one Hop-by-Hop header)
    assert!(load(&[("ip", "6"), ("ext", "hop"), ("payload", "65519")]).is_ok());
    refused(
        &[("ip", "6"), ("ext", "hop"), ("payload", "65520")],
        "payload",
        "IPv6 payload length over 65535",
    );
    refused(&[("payload", "65508")], "payload", "IPv4 total length");
}

#[test]
fn ipv4_faults_on_other_rows_are_refused() {
    for (fault, expect) in [
        ("not_udp", "hdr_l4"),
        ("bad_ihl", "hdr_ip"),
        ("bad_ip_version", "hdr_ip"),
        ("bad_tot_len", "hdr_len"),
        ("bad_udp_len", "hdr_len"),
        ("not_ipv4", "hdr_l2"),
        ("bad_ip_option", "hdr_ext"),
    ] {
        refused(
            &[("ip", "6"), ("fault", fault), ("expect", expect)],
            "fault",
            "is for IPv4 UDP rows",
        );
        refused(
            &[
                ("proto", "tcp"),
                ("ufo", "0"),
                ("fault", fault),
                ("expect", expect),
            ],
            "fault",
            "is for IPv4 UDP rows",
        );
    }
    refused(&[("ip", "6"), ("pattern", "csum0")], "pattern", "IPv4 UDP");
    refused(
        &[("ip", "6"), ("ip_options", "01010101")],
        "ip_options",
        "IPv4",
    );
    refused(&[("ext", "hop")], "ext", "IPv6 rows");
    // and on IPv4 UDP rows they still apply
    let text = format!(
        "{HEADER}\n{}\n",
        row(&[("fault", "not_udp"), ("expect", "hdr_l4")])
    );
    let cases = vectors::load_str(&text, Path::new("t.csv")).unwrap();
    assert_eq!(cases[0].fault, Fault::NotUdp);
    assert_eq!(cases[0].skb.head[14 + 9], 6, "protocol rewritten to TCP");
}

#[test]
fn other_fields_out_of_range() {
    refused(&[("mtu", "67")], "mtu", "68..65535");
    refused(&[("df", "2")], "df", "0 or 1");
    refused(&[("ufo", "7")], "ufo", "0 or 1");
    refused(&[("ip", "5")], "ip", "4 or 6");
    refused(&[("ip_id", "65536")], "ip_id", "0..65535");
    refused(&[("vlan", "1/70000")], "vlan", "'70000'");
    refused(&[("layout", "frags:1/x")], "layout", "'x'");
    refused(&[("layout", "offset:4096")], "layout", "page offset 4096");
    refused(
        &[("head_payload", "5000")],
        "head_payload",
        "head_payload 5000",
    );
    refused(&[("fault", "ufo_size:99999")], "fault", "0..65535");
    refused(&[("expect", "hdr_l4")], "expect", "fault 'none' ends in OK");
    refused(
        &[("fault", "no_sop")],
        "expect",
        "fault 'no_sop' ends in CHAIN_NO_SOP",
    );
    refused(
        &[("fault", "not_udp"), ("expect", "hdr_ip")],
        "expect",
        "ends in HDR_L4",
    );
    refused(&[("expect", "header")], "expect", "a status name");
    refused(
        &[("fault", "reserved_flag:4"), ("expect", "desc_flags")],
        "fault",
        "6 to 15 (bit 5 is USO: ufo_uso)",
    );
    refused(
        &[("fault", "reserved_flag:5"), ("expect", "desc_flags")],
        "fault",
        "6 to 15 (bit 5 is USO: ufo_uso)",
    );
    // a fault the packet cannot take names the fault column
    refused(
        &[("fault", "bad_ip_option"), ("expect", "hdr_ext")],
        "fault",
        "an IPv4 option",
    );
    refused(
        &[("fault", "csum_pos"), ("expect", "csum_pos")],
        "fault",
        "a plain packet with checksum offload",
    );
    refused(&[("mtu", "x")], "mtu", "invalid digit");
}

#[test]
fn a_file_that_is_not_csv_or_not_there() {
    let err = vectors::load_str("name,mtu\n\"unterminated", Path::new("q.csv")).unwrap_err();
    assert!(err.to_string().starts_with("q.csv:"), "{err}");
    let err = vectors::vector_files(Path::new("/no/such/vectors")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "/no/such/vectors:0: no such file or directory"
    );
}

/// Field values that go together in a row: the IP version with its options, extension
/// headers and upper layer, and a fault with the status it expects.
fn coherent_row() -> impl Strategy<Value = Vec<String>> {
    let sel = |v: &'static [&'static str]| proptest::sample::select(v).prop_map(str::to_string);
    let j = |v: &'static str| Just(v.to_string());
    // ip, ip_options, ext, proto, ufo
    let l3 = prop_oneof![
        (
            j("4"),
            sel(&["", "01010101", "830704c000020101", "9404000001010101"]),
            j(""),
            j(""),
            j("1")
        ),
        (
            j("6"),
            j(""),
            sel(&[
                "",
                "hop",
                "dest:8",
                "hop/route:2",
                "hop/dest/route/dest",
                "hop:257"
            ]),
            j(""),
            j("1")
        ),
        (j("4"), j(""), j(""), j("tcp"), j("0")),
        (j("4"), j(""), j(""), j("udp"), j("0")),
    ];
    let fault = sel(&[
        "none/ok",
        "none/ok",
        "none/ok",
        "no_sop/chain_no_sop",
        "sop_inside/chain_sop_inside",
        "no_eop/chain_no_eop",
        "reserved_flag:7/desc_flags",
        "reserved_flag_last:15/desc_flags",
        "ufo_uso/desc_flags",
        "zero_len/length_zero",
        "too_long/length_max",
        "hdr_split/hdr_span",
        "desc_dma/desc_dma",
        "dma_err/dma_read",
        "not_udp/hdr_l4",
        "bad_ihl/hdr_ip",
        "bad_ip_version/hdr_ip",
        "bad_tot_len/hdr_len",
        "bad_udp_len/hdr_len",
        "not_ipv4/hdr_l2",
        "bad_ip_option/hdr_ext",
        "ufo_size:4/ufo_size",
        "ufo_size_over/ufo_size",
        "csum_pos/csum_pos",
        "vlan_ins_csum/vlan_ins",
        "oversize/frame_size",
        "too_many_tags/hdr_l2",
        "too_many_ext/hdr_ext",
        "hdr_window/hdr_span",
    ]);
    (
        (
            sel(&["68", "576", "1280", "1500", "9000", "65535"]),
            sel(&["0", "1", "7", "100", "1472", "3000", "20000", "65507"]),
            sel(&[
                "pages",
                "linear",
                "random:3",
                "offset:4000",
                "frags:1/0/4096",
            ]),
            sel(&["0", "1", "20"]),
            sel(&["inc", "zero", "ff", "random:1", "csum0"]),
            sel(&["0", "1"]),
            sel(&["", "5", "5/6"]),
            sel(&["full", "none", "sw"]),
        ),
        l3,
        fault,
        sel(&["", "5"]),
        sel(&["", "0x1"]),
    )
        .prop_map(
            |(
                (mtu, payload, layout, head, pattern, df, vlan, csum),
                (ip, opts, ext, proto, ufo),
                fault,
                vins,
                fid,
            )| {
                let (fault, expect) = fault.split_once('/').unwrap_or(("none", "ok"));
                vec![
                    "r".into(),
                    mtu,
                    payload,
                    layout,
                    head,
                    pattern,
                    "7".into(),
                    df,
                    vlan,
                    csum,
                    ufo,
                    fault.to_string(),
                    expect.to_string(),
                    String::new(),
                    ip,
                    opts,
                    ext,
                    vins,
                    fid,
                    proto,
                ]
            },
        )
}

/// A coherent row with a few fields replaced by near misses or arbitrary text.
fn any_row() -> impl Strategy<Value = String> {
    let noise = prop_oneof![
        "[0-9a-z:/x_]{0,12}",
        any::<String>().prop_map(|s| s.replace([',', '\n', '\r', '"'], "")),
    ];
    (
        coherent_row(),
        proptest::collection::vec((0usize..20, noise), 0..3),
    )
        .prop_map(|(mut cols, edits)| {
            for (i, v) in edits {
                cols[i] = v;
            }
            cols.join(",")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Rows of plausible and implausible field values load or are refused with file, line and
    /// field; they never panic.
    #[test]
    fn the_loader_never_panics_on_rows(rows in proptest::collection::vec(any_row(), 1..3)) {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        if let Err(e) = vectors::load_str(&text, Path::new("p.csv")) {
            prop_assert!(e.to_string().starts_with("p.csv:"), "{}", e);
        }
    }

    /// Any text at all: an error, never a panic.
    #[test]
    fn the_loader_never_panics_on_any_text(text in any::<String>()) {
        let _ = vectors::load_str(&text, Path::new("p.csv"));
        let _ = vectors::load_str(&format!("{HEADER}\n{text}"), Path::new("p.csv"));
    }
}
