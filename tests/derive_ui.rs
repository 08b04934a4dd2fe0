//! Compile errors of typed templates (one trybuild run for all cases).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
