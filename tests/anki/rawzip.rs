//! A zip writer that lets a test lie: each entry's name, method, declared size, checksum and
//! Unix mode are whatever the test says (the `zip` crate writes only honest archives). With
//! it, hand-built compressed streams: a deflate bomb and a zstd bomb, each a few hundred
//! bytes to a megabyte on disk and over a gibibyte unpacked.

/// One entry as it goes into the archive.
pub struct Entry {
    pub name: String,
    /// The bytes stored (already compressed when `method` is deflate).
    pub data: Vec<u8>,
    /// 0 stored, 8 deflate.
    pub method: u16,
    /// The uncompressed size the headers declare.
    pub size: u64,
    pub crc: u32,
    /// A Unix mode (`0o120777` is a symbolic link), recorded as made on Unix.
    pub mode: Option<u32>,
}

impl Entry {
    /// An honest stored (uncompressed) entry.
    pub fn stored(name: &str, data: Vec<u8>) -> Entry {
        Entry { name: name.to_owned(), size: data.len() as u64, crc: crc32(&data), data, method: 0, mode: None }
    }

    /// A symbolic link named `name` pointing at `target`, as Info-ZIP stores one.
    pub fn symlink(name: &str, target: &str) -> Entry {
        Entry { mode: Some(0o120777), ..Entry::stored(name, target.as_bytes().to_vec()) }
    }
}

/// The archive: local headers and data, the central directory, the end record.
pub fn archive(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let size = u32::try_from(entry.size).expect("sizes under 4 GiB (no zip64 here)");
        let name = entry.name.as_bytes();
        let common = |out: &mut Vec<u8>| {
            put16(out, 20); // version needed
            put16(out, 0); // flags
            put16(out, entry.method);
            put16(out, 0); // time
            put16(out, 0x21); // date: 1980-01-01
            put32(out, entry.crc);
            put32(out, entry.data.len() as u32);
            put32(out, size);
            put16(out, name.len() as u16);
            put16(out, 0); // extra field length
        };
        put32(&mut out, 0x0403_4b50);
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(&entry.data);

        put32(&mut central, 0x0201_4b50);
        put16(&mut central, if entry.mode.is_some() { 3 << 8 | 20 } else { 20 }); // made by: Unix
        common(&mut central);
        put16(&mut central, 0); // comment length
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, entry.mode.map_or(0, |m| m << 16));
        put32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, central.len() as u32);
    put32(&mut out, central_offset);
    put16(&mut out, 0);
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

const CRC_POLY: u32 = 0xEDB8_8320;

/// CRC-32 as zip uses it.
pub fn crc32(data: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32).map(|n| (0..8).fold(n, |c, _| (c >> 1) ^ (CRC_POLY * (c & 1)))).collect();
    !data.iter().fold(!0u32, |c, &b| table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8))
}

/// CRC-32 of `n` zero bytes without reading them: feeding a zero byte is a linear map of the
/// register, so `n` of them is that map's `n`th power (by squaring, as zlib's crc32_combine).
pub fn crc32_of_zeros(n: u64) -> u32 {
    type Matrix = [u32; 32];
    let apply = |m: &Matrix, v: u32| (0..32).filter(|i| v >> i & 1 == 1).fold(0, |acc, i| acc ^ m[i]);
    let compose = |a: &Matrix, b: &Matrix| -> Matrix { std::array::from_fn(|i| apply(a, b[i])) };
    // One zero bit: shift right, folding the polynomial in when the low bit falls out.
    let bit: Matrix = std::array::from_fn(|i| if i == 0 { CRC_POLY } else { 1 << (i - 1) });
    let mut byte = bit;
    for _ in 0..7 {
        byte = compose(&bit, &byte);
    }
    let (mut power, mut result, mut n) = (byte, None::<Matrix>, n);
    while n > 0 {
        if n & 1 == 1 {
            result = Some(result.map_or(power, |r| compose(&power, &r)));
        }
        power = compose(&power, &power);
        n >>= 1;
    }
    !result.map_or(!0, |r| apply(&r, !0))
}

/// Bits written least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    acc: u32,
    used: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.acc |= (value >> i & 1) << self.used;
            self.used += 1;
            if self.used == 8 {
                self.out.push(self.acc as u8);
                (self.acc, self.used) = (0, 0);
            }
        }
    }

    /// A Huffman code: its bits go most significant first.
    fn code(&mut self, code: &str) {
        code.bytes().for_each(|b| self.put(u32::from(b - b'0'), 1));
    }
}

/// A raw deflate stream that inflates to `1 + 258 * repeats` zero bytes: one literal zero,
/// then `repeats` copies of "258 bytes from 1 back". One dynamic-Huffman block whose codes
/// make each copy cost two bits, so a gibibyte takes about a megabyte: the best deflate can do.
pub fn deflate_zeros(repeats: u64) -> Vec<u8> {
    let mut bits = Bits { out: Vec::new(), acc: 0, used: 0 };
    bits.put(1, 1); // the last block
    bits.put(2, 2); // dynamic Huffman codes
    bits.put(29, 5); // 286 literal/length codes
    bits.put(0, 5); // 1 distance code
    bits.put(14, 4); // 18 code-length codes follow, in deflate's order:
    // 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1; only 18 (1 bit), 2 and 1 (2 bits) are used.
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        bits.put(len, 3);
    }
    // Code-length codes (canonical): 18 = 0, 1 = 10, 2 = 11.
    bits.code("11"); // literal 0: 2 bits
    bits.code("0");
    bits.put(138 - 11, 7); // literals 1-138 unused
    bits.code("0");
    bits.put(117 - 11, 7); // literals 139-255 unused
    bits.code("11"); // end of block: 2 bits
    bits.code("0");
    bits.put(28 - 11, 7); // lengths 257-284 unused
    bits.code("10"); // length 258 (code 285): 1 bit
    bits.code("10"); // distance 1 (code 0): 1 bit
    // Literal/length codes: 285 = 0, literal 0 = 10, end = 11; distance 1 = 0.
    bits.code("10");
    for _ in 0..repeats {
        bits.code("00");
    }
    bits.code("11");
    bits.put(0, 7); // pad the last byte
    bits.out
}

/// A zstd stream of `frames` frames, each `blocks` run-length blocks of 128 KiB of zeros (four
/// bytes per block on disk). `declare` writes each frame's size in its header.
pub fn zstd_zeros(frames: usize, blocks: usize, declare: bool) -> Vec<u8> {
    const BLOCK: u32 = 128 << 10;
    let mut out = Vec::new();
    for _ in 0..frames {
        out.extend_from_slice(&[0x28, 0xb5, 0x2f, 0xfd]);
        // Frame header: an 8-byte content size (or none), and a 128 KiB window.
        out.push(if declare { 0xc0 } else { 0x00 });
        out.push((17 - 10) << 3);
        if declare {
            out.extend_from_slice(&(blocks as u64 * u64::from(BLOCK)).to_le_bytes());
        }
        for i in 0..blocks {
            let last = u32::from(i + 1 == blocks);
            let header = last | 1 << 1 | BLOCK << 3; // run-length block of BLOCK bytes
            out.extend_from_slice(&header.to_le_bytes()[..3]);
            out.push(0);
        }
    }
    out
}

#[test]
fn the_crc_helpers_agree_with_known_values() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(&[0; 1000]), crc32_of_zeros(1000));
    assert_eq!(crc32_of_zeros(0), 0);
}

#[test]
fn the_built_bombs_unpack_to_zeros() {
    // Small versions, unpacked by the same libraries grill uses.
    let deflate = deflate_zeros(1000);
    let zip = archive(&[Entry {
        name: "z".into(),
        size: 1 + 258 * 1000,
        crc: crc32_of_zeros(1 + 258 * 1000),
        data: deflate,
        method: 8,
        mode: None,
    }]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("z").unwrap(), &mut data).unwrap();
    assert_eq!(data, vec![0; 1 + 258 * 1000]);
    for declare in [true, false] {
        let data = zstd::decode_all(zstd_zeros(2, 3, declare).as_slice()).unwrap();
        assert_eq!(data, vec![0; 2 * 3 * (128 << 10)]);
    }
}
