// SwiftPM builds a C target only when it has at least one source file, and the
// LaowuFFI target otherwise holds nothing but the generated header and module
// map under include/. The functions those declare live in the Rust static
// library (the LaowuRust binary target), not here.
int laowu_ffi_swiftpm_shim(void) { return 0; }
