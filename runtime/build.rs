//! Builds the runtime to WASM (skipped with `SKIP_WASM_BUILD=1` for native-only tests).
fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
