//! Chunking invariants: chunks are whole lines, in order, and together are exactly the input.

use std::io::Write;

use proptest::prelude::*;

use super::*;

fn chunks_of(path: &std::path::Path, opts: ReadOptions) -> Vec<Vec<u8>> {
    ChunkReader::new(vec![Source::File(path.to_path_buf())], opts)
        .map(|c| c.expect("chunk").bytes().to_vec())
        .collect()
}

fn check_whole_lines(chunks: &[Vec<u8>], input: &[u8]) {
    let joined: Vec<u8> = chunks.concat();
    assert_eq!(joined, input);
    for (i, c) in chunks.iter().enumerate() {
        assert!(!c.is_empty());
        if i + 1 < chunks.len() {
            assert_eq!(c.last(), Some(&b'\n'), "chunk {i} cuts a line");
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).expect("gz");
    enc.finish().expect("gz")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn chunking_never_cuts_a_line(
        lines in proptest::collection::vec("[a-z{}\":,]{0,40}", 0..60),
        chunk_size in 1usize..200,
        trailing_newline in any::<bool>(),
    ) {
        let mut input = lines.join("\n").into_bytes();
        if trailing_newline && !input.is_empty() {
            input.push(b'\n');
        }
        let dir = tempfile::tempdir().expect("tmp");
        let plain = dir.path().join("in.ndjson");
        std::fs::write(&plain, &input).expect("write");
        let gz = dir.path().join("in.gz");
        std::fs::write(&gz, gzip(&input)).expect("write");
        for (path, mmap) in [(&plain, true), (&plain, false), (&gz, true)] {
            let chunks = chunks_of(path, ReadOptions {
                chunk_size,
                mmap,
                ..ReadOptions::default()
            });
            check_whole_lines(&chunks, &input);
        }
    }
}

#[test]
fn concatenated_gzip_members_and_zstd() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut both = gzip(b"{\"a\":1}\n");
    both.extend(gzip(b"{\"a\":2}\n"));
    let p = dir.path().join("two.gz");
    std::fs::write(&p, both).expect("write");
    assert_eq!(
        chunks_of(&p, ReadOptions::default()).concat(),
        b"{\"a\":1}\n{\"a\":2}\n"
    );

    let z = zstd::encode_all(&b"{\"z\":1}\n{\"z\":2}"[..], 3).expect("zstd");
    let p = dir.path().join("x.log"); // detected by magic bytes, not by name
    std::fs::write(&p, z).expect("write");
    assert_eq!(
        chunks_of(&p, ReadOptions::default()).concat(),
        b"{\"z\":1}\n{\"z\":2}"
    );
}

#[test]
fn truncated_gzip_yields_data_then_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let body: Vec<u8> = (0..5000)
        .flat_map(|i| format!("{{\"i\":{i}}}\n").into_bytes())
        .collect();
    let gz = gzip(&body);
    let p = dir.path().join("cut.gz");
    std::fs::write(&p, &gz[..gz.len() / 2]).expect("write");
    let items: Vec<_> = ChunkReader::new(vec![Source::File(p)], ReadOptions::default()).collect();
    let last = items.last().expect("items");
    assert!(matches!(last, Err(ObsError::Damaged { what: "gzip", .. })));
    let data: Vec<u8> = items
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|c| c.bytes().to_vec())
        .collect();
    assert!(!data.is_empty() && body.starts_with(&data));
}

#[test]
fn empty_files_give_no_chunks() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("empty");
    std::fs::write(&p, b"").expect("write");
    assert!(chunks_of(&p, ReadOptions::default()).is_empty());
    assert!(chunks_of(
        &p,
        ReadOptions {
            chunk_size: 10,
            mmap: false,
            ..ReadOptions::default()
        }
    )
    .is_empty());
}

#[test]
fn a_streamed_line_longer_than_the_limit_keeps_only_its_head() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("long.gz");
    let mut body = b"{\"a\":1}\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 5_000_000));
    body.extend_from_slice(b"\n{\"a\":2}\nlast");
    std::fs::write(&p, gzip(&body)).expect("write");
    let opts = ReadOptions {
        chunk_size: 1 << 16,
        mmap: true,
        max_line: 100_000,
    };
    let chunks = chunks_of(&p, opts);
    let all: Vec<u8> = chunks.concat();
    // The long line is cut to the limit and one byte more; every other line is whole, and
    // the line count is the input's.
    let lines: Vec<&[u8]> = all.split(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], b"{\"a\":1}");
    assert_eq!(lines[1].len(), 100_001);
    assert_eq!(lines[2], b"{\"a\":2}");
    assert_eq!(lines[3], b"last");
    assert!(
        chunks.iter().all(|c| c.len() < 1 << 20),
        "no chunk holds the whole line"
    );
}
