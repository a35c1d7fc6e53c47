# allora-node image: `docker build -t allora-node .` then
#   docker run --rm -p 9944:9944 allora-node
# With off-chain workers feeding it from your models (see pallets/offchain/README.md):
#   docker run --rm -p 9944:9944 -v $PWD/config.json:/config.json allora-node \
#     --dev --base-path /data --rpc-external --rpc-cors all --allora-config /config.json
# Build stage: the same toolchain and system packages as CI (see .ci/run).
FROM rust:1.95-bookworm AS builder
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		protobuf-compiler clang libclang-dev \
	&& rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32v1-none wasm32-unknown-unknown \
	&& rustup component add rust-src
WORKDIR /build
COPY . .
# `production`: full LTO and one codegen unit for the shipped binary (see Cargo.toml).
RUN cargo build --locked --profile production -p allora-node \
	&& cp target/production/allora-node /usr/local/bin/allora-node

# Runtime stage: just the binary, running as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --create-home --uid 1000 --home-dir /allora allora \
	&& mkdir -p /data \
	&& chown allora:allora /data
COPY --from=builder /usr/local/bin/allora-node /usr/local/bin/allora-node
USER allora
# p2p (parachain), p2p (embedded relay chain), JSON-RPC, Prometheus
EXPOSE 30333 30334 9944 9615
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/allora-node"]
# A development chain reachable from the host; pass your own arguments to run a collator.
CMD ["--dev", "--base-path", "/data", "--rpc-external", "--rpc-cors", "all"]
