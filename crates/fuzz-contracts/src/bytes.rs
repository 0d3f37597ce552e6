//! The byte decoder of every fuzz entry: arbitrary bytes to numbers (raw `f64` bits with
//! NaN, infinities and subnormals, special values, fixed point, powers of ten), sizes and
//! probability vectors. It never fails: past the end it yields zeros.

/// A byte reader that never fails: past the end it yields zeros.
#[derive(Debug, Clone)]
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Values that probe edge cases of floating-point input.
const SPECIAL: [f64; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MIN_POSITIVE,
    5e-324,
    f64::MAX,
    f64::MIN,
    1e-300,
    1e300,
    1e-6,
    1e6,
    20.0,
    0.05,
    8.0,
    -1e-6,
    1e-12,
    1e154,
    -1e154,
];

impl<'a> Bytes<'a> {
    /// Reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// Next little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// Next little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        u64::from_le_bytes(b)
    }

    /// Any `f64`, chosen by a tag byte: raw bits (NaN, subnormals, infinities included), a
    /// special value, a small fixed-point number or a signed power of ten.
    pub fn f64(&mut self) -> f64 {
        match self.u8() % 4 {
            0 => f64::from_bits(self.u64()),
            1 => SPECIAL[self.u8() as usize % SPECIAL.len()],
            2 => f64::from(self.u16() as i16) / 256.0,
            _ => {
                let e = f64::from(self.u8() as i8) / 8.0;
                let s = if self.u8().is_multiple_of(2) {
                    1.0
                } else {
                    -1.0
                };
                s * 10f64.powf(e)
            }
        }
    }

    /// A size in `0..=max`, or (rarely) one of `extra` (sizes above documented limits).
    pub fn size(&mut self, max: usize, extra: &[usize]) -> usize {
        let b = self.u8();
        if b >= 250 && !extra.is_empty() {
            extra[b as usize % extra.len()]
        } else {
            b as usize % (max + 1)
        }
    }

    /// The rest of the bytes.
    pub fn rest(&mut self) -> &'a [u8] {
        let r = self.data.get(self.pos..).unwrap_or(&[]);
        self.pos = self.data.len();
        r
    }

    /// A probability vector of length `n` (normalized from positive draws), or raw draws
    /// (usually invalid) when the mode byte says so.
    pub fn weights(&mut self, n: usize) -> Vec<f64> {
        match self.u8() % 4 {
            0 => vec![1.0 / n.max(1) as f64; n],
            1 => (0..n).map(|_| self.f64()).collect(),
            _ => {
                let raw: Vec<f64> = (0..n).map(|_| 1.0 + f64::from(self.u8())).collect();
                let s: f64 = raw.iter().sum();
                raw.into_iter().map(|w| w / s).collect()
            }
        }
    }
}
