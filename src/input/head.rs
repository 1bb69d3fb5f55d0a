//! The first bytes of a source, decompressed, without reading the rest: what `--parse auto`
//! looks at to choose each file's format before the run. Standard input cannot be read twice,
//! so it has no head here.

use std::io::{BufReader, Read};

use super::{Compression, Source};

/// Up to `max` bytes from the start of `source` (decompressed when it is gzip or zstd); `None`
/// for standard input or a file that cannot be read (the run itself then says why).
pub fn head(source: &Source, max: usize) -> Option<Vec<u8>> {
    let Source::File(path) = source else {
        return None;
    };
    let mut file = BufReader::new(std::fs::File::open(path).ok()?);
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).ok()?;
    let start = std::io::Cursor::new(magic[..n].to_vec()).chain(file);
    let mut reader: Box<dyn Read> = match Compression::sniff(&magic[..n]) {
        Compression::None => Box::new(start),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(start)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(start).ok()?),
    };
    let mut buf = vec![0u8; max];
    let n = read_up_to(&mut reader, &mut buf).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// Reads until `buf` is full or the input ends.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
