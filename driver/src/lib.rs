//! Software side of the ufo-nic UFO transmit engine, with no simulator in it.
//!
//! - [`checksum`]: the one place Internet checksums are computed.
//! - [`packet`], [`gen`]: test datagrams (what a UDP socket would send) and their random generator.
//! - [`skb`], [`skb_build`]: the `sk_buff` the kernel hands a UFO device, and how it is built.
//! - [`desc`]: descriptor, completion and register formats of `docs/architecture.md`.
//! - [`driver`]: the driver model that posts `sk_buff`s and reaps completions through a [`driver::Host`].
//! - [`golden`]: what Linux itself puts on the wire without UFO (`ip_do_fragment`), the reference
//!   the engine's output is compared against.
//! - [`fields`]: names the header field a byte of a wire frame belongs to, for mismatch reports.

#![warn(missing_docs)]

pub mod checksum;
pub mod desc;
pub mod driver;
pub mod fields;
pub mod gen;
pub mod golden;
pub mod packet;
pub mod skb;
pub mod skb_build;
