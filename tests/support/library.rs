//! Everything the tests take from the workspace's libraries rather than from the binary: kept
//! here, in one file, so that a library's API moving touches only this file.

use std::collections::BTreeMap;

/// A `.tar.gz` of files, packed as the command-line client packs a submission.
pub fn archive(files: &[(&str, &[u8])]) -> Vec<u8> {
    let files: BTreeMap<String, checker::submission::LearnerFile> = files
        .iter()
        .map(|(p, c)| ((*p).to_owned(), checker::submission::LearnerFile::new(*c)))
        .collect();
    checker::upload::pack_tar_gz(&files).unwrap()
}

/// `sha256=<hex>` of `body` with `secret`, as GitHub signs webhook deliveries.
pub fn github_signature(secret: &str, body: &[u8]) -> String {
    web::git::webhook::WebhookSecret::new(secret).sign(body)
}
