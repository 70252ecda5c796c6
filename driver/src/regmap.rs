//! The register map, generated from its one source `regs/ufo_nic.rdl` (SystemRDL): register
//! offsets, reset values and field masks as constants, and [`REGISTERS`], the table
//! `sim/tests/regmap.rs` drives through the RTL's AXI4-Lite port. The C header
//! `include/ufo_nic_regs.h` and `docs/registers.md` come from the same file.

/// Software access of a field, as the RTL implements it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read only: writes are ignored.
    Ro,
    /// Read/write: reads back what was written.
    Rw,
    /// Read, write 1 to clear (the hardware sets it).
    Rw1c,
    /// Writing 1 starts an action (CTRL.SOFT_RESET); reads 0.
    Pulse,
    /// Read/write while the engine is quiesced (ENABLE clear, STATUS.IDLE); other writes are
    /// ignored and counted (ring base and size).
    RwQuiesced,
    /// Read/write, but writes that break the field's rule are ignored and counted (TX_TAIL).
    RwChecked,
}

/// One field of a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Name in the SystemRDL.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u32,
    /// Width in bits.
    pub width: u32,
    /// Software access.
    pub access: Access,
    /// Value after reset, in field units (not shifted).
    pub reset: u32,
}

impl Field {
    /// The field's bits in the register.
    pub fn mask(&self) -> u32 {
        (u32::MAX >> (32 - self.width)) << self.lsb
    }
}

/// One 32-bit register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Register {
    /// Name in the SystemRDL.
    pub name: &'static str,
    /// Byte offset on the AXI4-Lite slave.
    pub offset: u32,
    /// Fields, lowest bit first.
    pub fields: &'static [Field],
}

impl Register {
    /// The register's value after reset (bits outside fields read 0).
    pub fn reset(&self) -> u32 {
        self.fields.iter().fold(0, |v, f| v | (f.reset << f.lsb))
    }

    /// Bits of the fields with access `access`.
    pub fn mask(&self, access: Access) -> u32 {
        self.fields
            .iter()
            .filter(|f| f.access == access)
            .fold(0, |m, f| m | f.mask())
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The register called `name`.
pub fn register(name: &str) -> Option<&'static Register> {
    REGISTERS.iter().find(|r| r.name == name)
}

#[rustfmt::skip]
mod generated {
    include!("regmap_gen.rs");
}
pub use generated::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (i, r) in REGISTERS.iter().enumerate() {
            assert_eq!(r.offset % 4, 0, "{} is not word aligned", r.name);
            if i > 0 {
                assert!(
                    REGISTERS[i - 1].offset < r.offset,
                    "{} out of order",
                    r.name
                );
            }
            let mut used = 0u32;
            for f in r.fields {
                assert!(
                    f.width >= 1 && f.lsb + f.width <= 32,
                    "{}.{}",
                    r.name,
                    f.name
                );
                assert_eq!(used & f.mask(), 0, "{}.{} overlaps", r.name, f.name);
                assert_eq!(
                    f.reset & !(f.mask() >> f.lsb),
                    0,
                    "{}.{} reset",
                    r.name,
                    f.name
                );
                used |= f.mask();
            }
        }
        assert_eq!(register("TX_TAIL").map(|r| r.offset), Some(TX_TAIL));
        assert_eq!(register("ID").map(Register::reset), Some(ID_RESET));
        let irq = register("IRQ_STATUS").unwrap();
        assert_eq!(
            irq.mask(Access::Rw1c),
            IRQ_STATUS_CPL | IRQ_STATUS_ERR | IRQ_STATUS_FAULT
        );
        assert_eq!(irq.field("ERR").map(Field::mask), Some(IRQ_STATUS_ERR));
        assert_eq!(CONFIG_MAX_DESC_MASK >> CONFIG_MAX_DESC_SHIFT, 0xff);
    }
}
