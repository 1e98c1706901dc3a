//! Link as a static, freestanding executable: no C runtime, no libc, our own `_start`.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    for arg in [
        "-nostartfiles",
        "-nostdlib",
        "-static",
        "-no-pie",
        "-Wl,--gc-sections",
    ] {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
    println!("cargo:rustc-link-arg-bins=-Wl,-T,{dir}/link.ld");
    println!("cargo:rustc-link-arg-bins=-Wl,-e,_start");
    println!("cargo:rerun-if-changed=link.ld");
}
