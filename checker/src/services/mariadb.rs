//! MariaDB 10.11 (Debian's mariadb-server) standing in for the school's MySQL 5.7: root
//! without a password on `127.0.0.1:3306`, MySQL 5.7's `sql_mode`, data in memory.

use bytesize::ByteSize;

use super::{ImageFile, Service};

pub(super) const MARIADB: Service = Service {
    name: "mariadb",
    image: "checker/mariadb:bookworm",
    packages: &["mariadb-server"],
    files: &[
        ImageFile {
            path: "/etc/checker/mariadb.cnf",
            contents: include_str!("../../../docker/services/mariadb/mariadb.cnf"),
            mode: 0o644,
        },
        ImageFile {
            path: "/etc/checker/init.sql",
            contents: include_str!("../../../docker/services/mariadb/init.sql"),
            mode: 0o644,
        },
        ImageFile {
            path: "/etc/mysql/mariadb.conf.d/99-checker.cnf",
            contents: include_str!("../../../docker/services/mariadb/client.cnf"),
            mode: 0o644,
        },
        ImageFile {
            path: "/usr/local/bin/checker-mariadb",
            contents: include_str!("../../../docker/services/mariadb/start"),
            mode: 0o755,
        },
    ],
    setup: include_str!("../../../docker/services/mariadb/setup"),
    command: &["/usr/local/bin/checker-mariadb"],
    user: "mysql",
    env: &[],
    writable: &[
        ("/var/lib/mysql", ByteSize::mib(96)),
        ("/tmp", ByteSize::mib(16)),
    ],
    memory: ByteSize::mib(384),
    pids: 128,
    ready: "mariadb-admin -uroot --connect-timeout=1 ping > /dev/null 2>&1",
    load: "mariadb -uroot --batch",
    // Every other connection is killed first (a query still running from the last task would
    // hold its tables and locks), then every database and user the learner's code made goes.
    // Any query that fails (the learner dropped the system schema) fails the reset, and the
    // pod is restarted instead.
    reset: "q() { mariadb -uroot --batch --skip-column-names -e \"$1\"; }\n\
            kills=$(q \"SELECT CONCAT('KILL ', id, ';') FROM information_schema.processlist \
                WHERE id <> CONNECTION_ID() AND command <> 'Daemon'\") || exit 1\n\
            printf '%s\\n' \"$kills\" | mariadb -uroot --force 2>/dev/null\n\
            drops=$(q \"SELECT CONCAT('DROP DATABASE \\`', schema_name, '\\`;') \
                FROM information_schema.schemata WHERE schema_name NOT IN \
                ('mysql', 'information_schema', 'performance_schema', 'sys')\") || exit 1\n\
            users=$(q \"SELECT CONCAT('DROP USER ', QUOTE(user), '@', QUOTE(host), ';') \
                FROM mysql.user WHERE user NOT IN ('root', 'mysql', 'mariadb.sys')\") || exit 1\n\
            printf '%s\\n%s\\n' \"$drops\" \"$users\" | mariadb -uroot",
    databases: true,
    // The mysql client and PyMySQL/mysql-connector go over TCP to the service; the client's
    // default, a Unix socket, is in the service's container, not the learner's.
    learner_env: &[("MYSQL_HOST", "127.0.0.1")],
    hosts: &[],
    low_ports: false,
    share: None,
    description: "MariaDB 10.11 (Debian 12's mariadb-server) for MySQL 5.7: root without a \
                  password on localhost:3306, data in memory",
};
