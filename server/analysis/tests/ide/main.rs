//! Data-driven tests of `claimls_analysis::ide`: every file under `fixtures/<feature>/` is a
//! claim text with a cursor marker `$0` (and, for ranges, a second marker `$1`), plus optional
//! directive lines at the top:
//!
//! - `%% shift N`: move the cursor N bytes forward after the markers are removed (to land inside
//!   a multi-byte character or past the end of the text);
//! - `%% rename X`: the new name for a rename;
//! - `%% nodecl`: references without the declaration;
//! - `%% cpt`: load a small CPT file (a user's licensed file) into the code sets.
//!
//! The helper runs the feature and renders a compact, readable result that is snapshotted with
//! insta (`snapshots/`).

mod fixture;
mod props;
mod render;

use fixture::Fixture;

fn run(feature: &str, render: fn(&Fixture) -> String) {
    insta::glob!("fixtures", &format!("{feature}/*"), |path| {
        let fixture = Fixture::load(path);
        insta::assert_snapshot!(feature, render(&fixture));
    });
}

#[test]
fn hover() {
    run("hover", render::hover);
}

#[test]
fn completion() {
    run("completion", render::completion);
}

#[test]
fn definition() {
    run("definition", render::definition);
}

#[test]
fn references() {
    run("references", render::references);
}

#[test]
fn highlights() {
    run("highlights", render::highlights);
}

#[test]
fn rename() {
    run("rename", render::rename);
}

#[test]
fn symbols() {
    run("symbols", render::symbols);
}

#[test]
fn folding() {
    run("folding", render::folding);
}

#[test]
fn inlay() {
    run("inlay", render::inlay);
}

#[test]
fn format() {
    run("format", render::format);
}

#[test]
fn workspace() {
    run("workspace", render::workspace);
}

/// Formatting any fixture twice gives what formatting it once gives, and keeps its meaning.
#[test]
fn format_is_idempotent_on_every_fixture() {
    insta::glob!("fixtures", "*/*", |path| {
        let fixture = Fixture::load(path);
        let once = claimls_analysis::ide::format_text(&fixture.text);
        let twice = claimls_analysis::ide::format_text(&once);
        assert_eq!(once, twice, "formatting {} is not idempotent", path.display());
        assert_eq!(props::meaning(&fixture.text), props::meaning(&once), "{}", path.display());
    });
}
