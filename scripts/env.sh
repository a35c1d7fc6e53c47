# Shared build environment for every cargo command of this repository (sourced by
# scripts/test and .ci/run). Keep it identical everywhere: a different value here means
# cargo rebuilds from scratch.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# One target directory outside the clone, shared by every checkout and by CI, so a build made
# in one place is reused by the next (a cold build of the node takes the better part of an hour).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/allora-substrate/target}"
# The runtime's WASM is built in a nested workspace under the target dir; this points it at
# our Cargo.lock.
export WASM_BUILD_WORKSPACE_HINT="$repo_root"
# Lint while compiling: clippy-driver replaces rustc for this workspace's crates only, so
# clippy costs no second compile of the ~1,300 dependencies. Warnings are errors.
export RUSTC_WORKSPACE_WRAPPER="${RUSTC_WORKSPACE_WRAPPER:-clippy-driver}"
export CLIPPY_ARGS="-Dwarnings__CLIPPY_HACKERY__"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Build the runtime blob compacted and zstd-compressed even though the outer profile is `dev`
# (substrate-wasm-builder otherwise skips both for dev builds): the dev node, genesis export and
# upgrades then carry a blob well under a relay chain's 5 MiB code limit, and it loads faster.
export WASM_BUILD_TYPE="${WASM_BUILD_TYPE:-release}"
