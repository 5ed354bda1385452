-- The grader's users, with the columns of user_data.csv.
CREATE TABLE users (
    name VARCHAR(256),
    email VARCHAR(256),
    phone VARCHAR(16),
    ssn VARCHAR(16),
    password VARCHAR(256),
    ip VARCHAR(64),
    last_login TIMESTAMP,
    user_agent VARCHAR(512)
);
INSERT INTO users (name, email, phone, ssn, password, ip, last_login, user_agent) VALUES
('Nadia Okafor', 'nadia.okafor@mailbox.test', '(212) 555-0147', '318-44-9021', 't7!Rq2pZ', '2001:db8:4a1:7::15', '2021-03-02 08:15:42', 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0'),
('Tomas Lindqvist', 'tomas@lindqvist.test', '(415) 555-0192', '522-10-7743', 'mK9#vw3L', '198.51.100.23', '2021-03-02 09:01:07', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 13_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.5 Safari/605.1.15'),
('Amara Diallo', 'amara.d@post.test', '(646) 555-0110', '207-88-1356', 'Zp4&nE8s', '203.0.113.77', '2021-03-03 17:44:59', 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0 Mobile Safari/537.36'),
('Kenji Watanabe', 'kenji.w@example.test', '(503) 555-0175', '690-31-4408', 'Qx2$hT6y', '2001:db8:9c0::2a', '2021-03-04 06:30:00', 'curl/7.88.1'),
('Lucia Ferreira', 'lucia@ferreira.test', '(305) 555-0138', '433-57-2290', 'bW5^kJ1m', '192.0.2.140', '2021-03-05 22:12:18', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0 Safari/537.36 Edg/114.0');
