//! Bundles the dataset (`data/**/*.toml`) and the static assets (`static/**`) into the binary, so
//! it runs from any directory, and reruns when they or the migrations change.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes `&[(relative path, include_*!(absolute path))]` for the files under `dir` that `keep`.
fn bundle(
    root: &Path,
    dir: &str,
    macro_name: &str,
    keep: impl Fn(&Path) -> bool,
    out: &Path,
) -> io::Result<()> {
    let mut files = Vec::new();
    files_under(&root.join(dir), &mut files)?;
    let mut code = String::from("&[\n");
    for path in files.iter().filter(|p| keep(p)) {
        let relative = path.strip_prefix(root).map_err(io::Error::other)?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        writeln!(
            code,
            "    ({relative:?}, {macro_name}!({:?})),",
            path.display().to_string()
        )
        .map_err(io::Error::other)?;
    }
    code.push(']');
    fs::write(out, code)
}

/// FNV-1a of a file's bytes: the content hash in its cache-busting name.
fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", hash >> 32)
}

/// Writes `&[(path under static/, content-hashed path, include_bytes!(…))]`: `css/site.css` is
/// also served as `css/site.1a2b3c4d.css`, which can be cached for ever.
fn bundle_static(root: &Path, out: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    files_under(&root.join("static"), &mut files)?;
    let mut code = String::from("&[\n");
    for path in &files {
        let relative = path
            .strip_prefix(root.join("static"))
            .map_err(io::Error::other)?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        let hash = content_hash(&fs::read(path)?);
        let hashed = match relative.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
            _ => format!("{relative}.{hash}"),
        };
        writeln!(
            code,
            "    ({relative:?}, {hashed:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .map_err(io::Error::other)?;
    }
    code.push(']');
    fs::write(out, code)
}

fn main() -> io::Result<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?);
    let out = PathBuf::from(env::var("OUT_DIR").map_err(io::Error::other)?);
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=static");
    bundle(
        &root,
        "data",
        "include_str",
        |p| p.extension().is_some_and(|e| e == "toml"),
        &out.join("bundled_dataset.rs"),
    )?;
    bundle_static(&root, &out.join("bundled_static.rs"))?;
    Ok(())
}
