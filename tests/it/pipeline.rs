//! Issue: core pipeline. `gongyak run` / `check` on the shared samples.

use crate::common::*;

#[test]
fn seed_files_consolidate_to_the_expected_pledge_table() {
    let sb = Sandbox::new();
    sb.drop_seed();
    let out = sb.gongyak(&["run"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sb.files_in("accepted").len(), 4);
    assert_eq!(report_pledge_table(&sb.report()), expected_pledge_table());
}
