//! ARCHITECTURE.md and the documents under docs/architecture/ are read
//! before a first change; a path they name that no longer exists sends a
//! newcomer looking for nothing. Every path they quote must exist.

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where a quoted path may start: the repository, the server crate and its
/// sources (the maps name server files from there), or any crate.
fn roots(repo: &Path) -> Vec<PathBuf> {
    let mut roots = vec![
        repo.to_path_buf(),
        repo.join("crates"),
        repo.join("crates/lookout-server"),
        repo.join("crates/lookout-server/src"),
    ];
    if let Ok(crates) = std::fs::read_dir(repo.join("crates")) {
        for entry in crates.flatten() {
            roots.push(entry.path());
            roots.push(entry.path().join("src"));
        }
    }
    roots
}

/// The quoted spans and link targets of `text` that name a file or folder:
/// with a slash or a file extension, and none of the marks of a route,
/// a pattern or Rust path.
fn quoted_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 1 {
            found.push(span.to_string());
        }
    }
    for link in text.split("](").skip(1) {
        if let Some(end) = link.find(')') {
            found.push(link[..end].to_string());
        }
    }
    found
        .into_iter()
        .map(|p| p.split('#').next().unwrap_or_default().to_string())
        .map(|p| p.split("::").next().unwrap_or_default().to_string())
        .filter(|p| {
            let looks_like_file = p.contains('/')
                || [
                    ".rs", ".md", ".toml", ".js", ".css", ".json", ".html", ".py", ".sql",
                ]
                .iter()
                .any(|ext| p.ends_with(ext));
            let not_a_path = p.is_empty()
                || p.starts_with('/')
                || p.starts_with("http")
                || p.starts_with('.') && !p.starts_with(".ci")
                || p.contains(|c: char| " <>{}*|$=,()'\"".contains(c))
                || p.contains("://")
                || p.contains("..");
            looks_like_file && !not_a_path
        })
        .collect()
}

/// The names of every file and folder under `folder`, build output aside.
fn file_names(folder: &Path, names: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "target" || name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            file_names(&path, names);
        }
        names.push(name);
    }
}

#[test]
fn every_path_the_architecture_documents_name_exists() {
    let repo = repository();
    let mut documents = vec![repo.join("ARCHITECTURE.md")];
    let folder = repo.join("docs/architecture");
    for entry in std::fs::read_dir(&folder).expect("docs/architecture exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            documents.push(path);
        }
    }
    let roots = roots(&repo);
    let mut names = Vec::new();
    file_names(&repo.join("crates"), &mut names);
    file_names(&repo.join("docs"), &mut names);
    let mut missing = Vec::new();
    let mut checked = 0;
    for document in &documents {
        let text = std::fs::read_to_string(document).expect("readable document");
        let base = document.parent().unwrap_or(&repo).to_path_buf();
        for path in quoted_paths(&text) {
            checked += 1;
            // A bare name is quoted beside its folder ("`web/`:
            // `visitor.rs` ..."): it must at least be a file somewhere.
            let exists = if path.contains('/') {
                roots
                    .iter()
                    .chain(std::iter::once(&base))
                    .any(|root| root.join(&path).exists())
            } else {
                names.contains(&path)
            };
            if !exists {
                missing.push(format!(
                    "{}: {path}",
                    document.strip_prefix(&repo).unwrap_or(document).display()
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} paths found: is the parser broken?"
    );
    assert!(
        missing.is_empty(),
        "paths named in the architecture documents that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_architecture_map_reads_in_one_sitting() {
    let size = std::fs::metadata(repository().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md exists")
        .len();
    assert!(size <= 20 * 1024, "ARCHITECTURE.md is {size} bytes");
}

#[test]
fn the_path_reader_finds_paths_and_skips_routes() {
    let found = quoted_paths(
        "see `web/visitor.rs` and [privacy](docs/privacy.md), not `/api/v1` \
         nor `templates/<feature>/` nor `crate::web::AppError`",
    );
    assert_eq!(found, vec!["web/visitor.rs", "docs/privacy.md"]);
}
