//! The perf map writer produces the `START SIZE NAME` lines `perf` reads.
#![cfg(unix)]

use os_glue::perf_map::PerfMap;

#[test]
fn records_are_hex_lines_with_one_name_each() {
    let path =
        std::env::temp_dir().join(format!("os-glue-perf-map-test-{}.map", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut map = PerfMap::open_at(path.clone()).unwrap();
    map.record(0x7f00_1234_0000, 0x40, "trace 1 (loop)")
        .unwrap();
    map.record(0x1000, 5, "bridge\nfor guard 3").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        text,
        "7f0012340000 40 trace 1 (loop)\n1000 5 bridge for guard 3\n"
    );
}

#[test]
fn the_default_path_names_this_process() {
    let expected = format!("/tmp/perf-{}.map", std::process::id());
    assert_eq!(PerfMap::default_path().to_str(), Some(expected.as_str()));
}
