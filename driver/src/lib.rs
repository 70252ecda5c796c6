//! Software side of the ufo-nic UFO transmit engine, with no simulator in it.
//!
//! - [`checksum`]: the stimulus' Internet checksums (the golden model has its own).
//! - [`packet`], [`gen`]: test packets (UDP over IPv4 and IPv6 with options and extension
//!   headers, plain packets for checksum offload) and their random generator.
//! - [`skb`], [`skb_build`]: the `sk_buff` the kernel hands a UFO device, and how it is built.
//! - [`desc`]: descriptor, completion and register formats of `docs/architecture.md`.
//! - [`regmap`]: the register map, generated from `regs/ufo_nic.rdl` (SystemRDL).
//! - [`driver`]: the driver model that posts `sk_buff`s and reaps completions through a [`driver::Host`].
//!
//! The golden model (what Linux itself puts on the wire for an `sk_buff`) is the separate crate
//! `ufo-golden`, which depends on nothing here; [`packet::TxPacket::golden`] and
//! [`skb::Skb::golden`] hand it their packet.

#![warn(missing_docs)]

pub mod checksum;
pub mod desc;
pub mod driver;
pub mod gen;
pub mod packet;
pub mod regmap;
pub mod skb;
pub mod skb_build;
