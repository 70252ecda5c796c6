//! Software side of the ufo-nic UFO transmit engine, with no simulator in it.
//!
//! - [`checksum`]: the one place Internet checksums are computed.
//! - [`packet`], [`gen`]: test packets (UDP over IPv4 and IPv6 with options and extension
//!   headers, plain packets for checksum offload) and their random generator.
//! - [`skb`], [`skb_build`]: the `sk_buff` the kernel hands a UFO device, and how it is built.
//! - [`desc`]: descriptor, completion and register formats of `docs/architecture.md`.
//! - [`regmap`]: the register map, generated from `regs/ufo_nic.rdl` (SystemRDL).
//! - [`driver`]: the driver model that posts `sk_buff`s and reaps completions through a [`driver::Host`].
//! - [`golden`]: what Linux itself puts on the wire without UFO, checksum or VLAN offload
//!   (`ip_do_fragment`, `ip6_fragment`, `skb_checksum_help`, `__vlan_hwaccel_push_inside`), the
//!   reference the engine's output is compared against.
//! - [`fields`]: names the header field a byte of a wire frame belongs to, for mismatch reports.
//! - [`reassemble`]: an independent check of wire frames: etherparse reassembles them and
//!   verifies the UDP checksum.

#![warn(missing_docs)]

pub mod checksum;
pub mod desc;
pub mod driver;
pub mod fields;
pub mod gen;
pub mod golden;
pub mod packet;
pub mod reassemble;
pub mod regmap;
pub mod skb;
pub mod skb_build;
