//! A stand-in for the Star Wars API (`https://swapi-api.alx-tools.com/api/`) that the school's
//! alx-interview task fetches: the same shape of JSON from the grader's own films and people,
//! over HTTPS on 443 (and HTTP on 80) of the pod's loopback, to which the school's host names
//! resolve in the learner's container. Its certificate is signed by an authority made when the
//! image is built (whose key is then deleted); learners' Node programs trust that authority
//! through `NODE_EXTRA_CA_CERTS`, so TLS is verified as it was against the real host.

use bytesize::ByteSize;

use super::{ImageFile, Service};

/// Where the authority's certificate lands in the learner's work directory.
const CA_FILE: &str = ".swapi-ca.pem";

pub(super) const SWAPI: Service = Service {
    name: "swapi",
    image: "checker/swapi:bookworm",
    packages: &["nodejs", "openssl"],
    files: &[
        ImageFile {
            path: "/etc/checker/swapi/server.js",
            contents: include_str!("../../../docker/services/swapi/server.js"),
            mode: 0o644,
        },
        ImageFile {
            path: "/etc/checker/swapi/swapi.json",
            contents: include_str!("../../../docker/services/swapi/swapi.json"),
            mode: 0o644,
        },
        ImageFile {
            path: "/etc/checker/swapi/hosts",
            contents: include_str!("../../../docker/services/swapi/hosts"),
            mode: 0o644,
        },
    ],
    setup: include_str!("../../../docker/services/swapi/setup"),
    command: &["node", "/etc/checker/swapi/server.js"],
    user: "nobody",
    env: &[],
    writable: &[("/tmp", ByteSize::mib(1))],
    memory: ByteSize::mib(128),
    pids: 32,
    ready: "test -e /tmp/ready",
    load: "cat > /dev/null",
    // It keeps no state between requests.
    reset: "true",
    databases: false,
    learner_env: &[("NODE_EXTRA_CA_CERTS", "/work/.swapi-ca.pem")],
    // The school's API host, the one of its older cohorts, and the public ones learners used.
    hosts: &[
        "swapi-api.alx-tools.com",
        "swapi-api.hbtn.io",
        "swapi.dev",
        "swapi.co",
    ],
    low_ports: true,
    share: Some(("/etc/checker/swapi/ca.pem", CA_FILE)),
    description: "A Star Wars API stand-in (films and people as JSON, the grader's own data) \
                  on https://swapi-api.alx-tools.com/api/ and the school's older host names",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The certificate the image's setup signs names every host the learner's container
    /// resolves to the service, and the learner's Node trusts the file that is shared.
    #[test]
    fn certificate_hosts_and_trust_agree() {
        let hosts: Vec<&str> = include_str!("../../../docker/services/swapi/hosts")
            .split_whitespace()
            .collect();
        assert_eq!(hosts, SWAPI.hosts);
        assert_eq!(
            SWAPI.learner_env,
            &[("NODE_EXTRA_CA_CERTS", &*format!("/work/{CA_FILE}"))]
        );
    }
}
