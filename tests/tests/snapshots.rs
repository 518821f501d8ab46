//! The example bundle's generated code: checked in, kept current, compiled, and served.
//!
//! `tests/snapshots/example_flows.rs` is what `flowc expand flows` prints. This test
//! regenerates it and fails when it is stale; `FLOWC_BLESS=1` rewrites it. The snapshot is
//! also compiled right here (with the workspace's lints) and its routes answer HTTP tests in
//! `example_http.rs`.

use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate_example() -> String {
    let checked = flowc_codegen::check_dir(&workspace().join("flows"));
    match checked.ir {
        Some(ir) => flowc_codegen::generate(&ir),
        None => panic!(
            "the example bundle has errors:\n{}",
            checked.diagnostics.render()
        ),
    }
}

#[test]
fn the_same_bundle_generates_byte_identical_code() {
    assert_eq!(generate_example(), generate_example());
}

#[test]
fn the_example_snapshot_is_current() {
    let fresh = generate_example();
    let path = workspace().join("tests/snapshots/example_flows.rs");
    if std::env::var_os("FLOWC_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write the snapshot");
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        stored == fresh,
        "{} is stale: refresh it with `FLOWC_BLESS=1 cargo test -p flowc-tests --test snapshots`",
        path.display()
    );
}
