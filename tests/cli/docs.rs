//! Man pages and shell completions are generated from the clap definitions and committed; this
//! fails when they are stale. Regenerate with `OBS_REGENERATE=1 cargo test --test cli docs`.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let tmp = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(obs::cli::Cli::command(), tmp.path()).unwrap();
    let mut pages: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    for p in pages {
        let name = p.file_name().unwrap().to_owned();
        out.push((Path::new("man").join(name), std::fs::read(&p).unwrap()));
    }
    for (shell, file) in [
        (Shell::Bash, "obs.bash"),
        (Shell::Zsh, "_obs"),
        (Shell::Fish, "obs.fish"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut obs::cli::Cli::command(), "obs", &mut buf);
        out.push((Path::new("completions").join(file), buf));
    }
    out
}

#[test]
fn man_pages_and_completions_are_fresh() {
    let regenerate = std::env::var_os("OBS_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (rel, content) in generated() {
        let path = repo().join(&rel);
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(content.as_slice()) {
            stale.push(rel.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run OBS_REGENERATE=1 cargo test --test cli docs"
    );
}

#[test]
fn help_documents_every_flag_group_with_examples() {
    let out = crate::obs(&repo(), &["grep", "--help"]);
    for heading in [
        "Matching:",
        "Input:",
        "Bad input:",
        "Time:",
        "Output:",
        "Elasticsearch bulk",
        "Examples:",
        "Expressions:",
        "Exit status",
    ] {
        assert!(out.stdout.contains(heading), "missing {heading}");
    }
    let top = crate::obs(&repo(), &["--help"]);
    assert!(top.stdout.contains("Examples:"));
}
