# syntax=docker/dockerfile:1

# tradewatch container image.
#
#   docker build -t tradewatch .
#   docker run -p 3000:3000 -v tradewatch-data:/data tradewatch
#
# Two stages: the official Rust image compiles a release binary (the dataset,
# templates and static assets are compiled into it, SQLite is bundled), and a
# slim Debian image of the same release runs it as a non-root user. The builder
# and runtime share a Debian release so the binary's glibc matches.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

# ---------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS builder

WORKDIR /src

# Dependencies first. This layer holds only the manifests (plus empty stubs,
# because cargo refuses a manifest with no target), so the crates that
# `cargo fetch` downloads stay cached in the layer until Cargo.toml or
# Cargo.lock change, on any builder, even one without persistent cache mounts.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src \
    && printf 'fn main() {}\n' > src/main.rs \
    && printf 'fn main() {}\n' > build.rs \
    && cargo fetch --locked

# The real sources (.dockerignore lets through only what the build needs).
COPY . .

# --frozen: build from Cargo.lock and the fetched crates, with no network.
# target/ is a BuildKit cache mount, so a rebuild after a source change only
# recompiles what changed; the binary is copied out of the mount in the same
# step, since cache mounts are not part of the image.
RUN --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --frozen --bin tradewatch \
    && install -D -m 0755 target/release/tradewatch /out/tradewatch

# ---------------------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime

# curl is here only for the HEALTHCHECK below. A distroless image would have
# no shell and no HTTP client, and the binary cannot probe itself, so the slim
# image plus curl (a few MB) buys a real check of GET /healthz, which answers
# 200 only when the database answers.
# DL3008 (pin apt versions) is ignored on purpose: curl comes from the Debian
# release that the base image tag pins, and pinning an exact package version
# would break the build whenever Debian's security archive replaces it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 tradewatch \
    && useradd --system --uid 10001 --gid tradewatch \
        --home-dir /data --no-create-home --shell /usr/sbin/nologin tradewatch \
    && install -d -m 0750 -o tradewatch -g tradewatch /data

COPY --from=builder /out/tradewatch /usr/local/bin/tradewatch

# The database lives on a volume; a named volume mounted here starts out owned
# by the tradewatch user because /data is created with that owner above.
ENV TRADEWATCH_BIND=0.0.0.0:3000 \
    DATABASE_URL=sqlite:/data/tradewatch.db \
    RUST_LOG=info
VOLUME ["/data"]
WORKDIR /data
# Numeric ids (the tradewatch user created above) so that runtimes which
# check for a non-root user without reading /etc/passwd can verify it.
USER 10001:10001
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:3000/healthz"]

# `docker run IMAGE` serves; `docker run IMAGE import PATH...` or
# `docker run IMAGE check PATH...` run the other subcommands.
ENTRYPOINT ["/usr/local/bin/tradewatch"]
CMD ["serve"]
