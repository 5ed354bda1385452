//! Redis 7 (Debian's redis-server), where redis-py's `Redis()` looks: `localhost:6379`.

use bytesize::ByteSize;

use super::{ImageFile, Service};

pub(super) const REDIS: Service = Service {
    name: "redis",
    image: "checker/redis:bookworm",
    packages: &["redis-server"],
    files: &[ImageFile {
        path: "/etc/checker/redis.conf",
        contents: include_str!("../../../docker/services/redis/redis.conf"),
        mode: 0o644,
    }],
    setup: "",
    command: &["redis-server", "/etc/checker/redis.conf"],
    user: "redis",
    env: &[],
    writable: &[("/tmp", ByteSize::mib(16))],
    // 48 MiB of data (redis.conf's maxmemory) and the server around it.
    memory: ByteSize::mib(128),
    pids: 32,
    ready: "redis-cli ping | grep -q PONG",
    load: "redis-cli > /dev/null",
    // Every client but the reset's own is disconnected (a blocked BLPOP or a MONITOR cannot
    // outlive its task), then every key goes.
    reset: "redis-cli CLIENT KILL TYPE normal SKIPME yes > /dev/null; \
            redis-cli CLIENT KILL TYPE pubsub > /dev/null; redis-cli FLUSHALL | grep -q OK",
    databases: false,
    learner_env: &[],
    hosts: &[],
    low_ports: false,
    share: None,
    description: "Redis 7.0 (Debian 12's redis-server) on localhost:6379, in memory, 48 MB of data",
};
