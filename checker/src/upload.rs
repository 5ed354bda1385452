//! Uploaded archives of a learner's files: packed by the client, unpacked defensively here.
//!
//! An archive is hostile until proven otherwise: only regular files are taken; links, devices,
//! absolute paths and `..` are refused; sizes and entry counts are bounded while reading, so a
//! compression bomb is stopped after the limit, never inflated in full.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use thiserror::Error;

use crate::submission::LearnerFile;

/// Bounds on one uploaded archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Compressed size.
    pub max_archive: u64,
    /// Sum of the unpacked file sizes.
    pub max_unpacked: u64,
    /// Number of entries of any kind.
    pub max_files: usize,
    /// Size of one file.
    pub max_file: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_archive: 8 * 1024 * 1024,
            max_unpacked: 32 * 1024 * 1024,
            max_files: 1000,
            max_file: crate::submission::MAX_FILE_SIZE,
        }
    }
}

/// Why an archive was refused. Every message says what to change.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum UploadError {
    /// The compressed archive is too large.
    #[error("the archive is {size} bytes; at most {max} are accepted")]
    ArchiveTooLarge {
        /// Its size.
        size: u64,
        /// The bound.
        max: u64,
    },
    /// Unpacked, the files are too large together.
    #[error("the archive unpacks to more than {max} bytes; submit only the project's files")]
    UnpackedTooLarge {
        /// The bound.
        max: u64,
    },
    /// One file is too large.
    #[error("`{path}` is larger than {max} bytes")]
    FileTooLarge {
        /// The file.
        path: String,
        /// The bound.
        max: u64,
    },
    /// Too many entries.
    #[error("the archive has more than {max} entries; submit only the project's files")]
    TooManyFiles {
        /// The bound.
        max: usize,
    },
    /// A path that could land outside the submission.
    #[error("`{path}` is not allowed: {why}")]
    UnsafePath {
        /// The path as written in the archive.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// A symbolic or hard link.
    #[error("`{path}` is a link; submit the file itself")]
    Link {
        /// The link's path.
        path: String,
    },
    /// A device, FIFO or other special entry.
    #[error("`{path}` is not a regular file")]
    Special {
        /// The entry's path.
        path: String,
    },
    /// The same path twice.
    #[error("`{path}` appears twice in the archive")]
    Duplicate {
        /// The path.
        path: String,
    },
    /// Not a gzip-compressed tar archive.
    #[error("not a valid .tar.gz archive: {0}")]
    Corrupt(String),
}

/// Unpacks a gzip-compressed tar archive into files by relative path, within `limits`. Of
/// each entry's mode only the owner's execute bit is kept.
pub fn unpack_tar_gz(
    bytes: &[u8],
    limits: &UploadLimits,
) -> Result<BTreeMap<String, LearnerFile>, UploadError> {
    unpack_tar_gz_only(bytes, limits, |_| true).map(|(files, _)| files)
}

/// Unpacks only the files for which `keep` holds (e.g. those a spec names); the others are
/// checked like every entry but never read into memory, and their declared sizes still count
/// against `limits`. Returns the files kept and how many were skipped.
pub fn unpack_tar_gz_only(
    bytes: &[u8],
    limits: &UploadLimits,
    keep: impl Fn(&str) -> bool,
) -> Result<(BTreeMap<String, LearnerFile>, usize), UploadError> {
    let size = bytes.len() as u64;
    if size > limits.max_archive {
        return Err(UploadError::ArchiveTooLarge {
            size,
            max: limits.max_archive,
        });
    }
    let corrupt = |e: std::io::Error| UploadError::Corrupt(e.to_string());
    let mut archive = tar::Archive::new(GzDecoder::new(bytes));
    let mut files = BTreeMap::new();
    let mut unpacked: u64 = 0;
    let mut skipped = 0;
    for (count, entry) in archive.entries().map_err(corrupt)?.enumerate() {
        if count >= limits.max_files {
            return Err(UploadError::TooManyFiles {
                max: limits.max_files,
            });
        }
        let mut entry = entry.map_err(corrupt)?;
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(UploadError::Link { path: raw_path });
        }
        if !kind.is_file() {
            return Err(UploadError::Special { path: raw_path });
        }
        let path = normalise(&raw_path)?;
        let executable = entry.header().mode().is_ok_and(|mode| mode & 0o100 != 0);
        // Read at most one byte past every bound: the declared size is the archive's word,
        // not a fact.
        let room = limits
            .max_file
            .min(limits.max_unpacked.saturating_sub(unpacked));
        if !keep(&path) {
            // Left unread: the reader skips its bytes when the next entry is asked for.
            let declared = entry.size();
            if declared > limits.max_file {
                return Err(UploadError::FileTooLarge {
                    path,
                    max: limits.max_file,
                });
            }
            if declared > room {
                return Err(UploadError::UnpackedTooLarge {
                    max: limits.max_unpacked,
                });
            }
            unpacked += declared;
            skipped += 1;
            continue;
        }
        let mut contents = Vec::new();
        (&mut entry)
            .take(room + 1)
            .read_to_end(&mut contents)
            .map_err(corrupt)?;
        let read = contents.len() as u64;
        if read > limits.max_file {
            return Err(UploadError::FileTooLarge {
                path,
                max: limits.max_file,
            });
        }
        if read > room {
            return Err(UploadError::UnpackedTooLarge {
                max: limits.max_unpacked,
            });
        }
        unpacked += read;
        let file = LearnerFile::new(contents).executable(executable);
        if files.insert(path.clone(), file).is_some() {
            return Err(UploadError::Duplicate { path });
        }
    }
    Ok((files, skipped))
}

/// Strips a leading `./` and checks that the path stays inside the submission.
fn normalise(path: &str) -> Result<String, UploadError> {
    let trimmed = path.trim_start_matches("./");
    sandbox::validate_relative_path(trimmed).map_err(|why| UploadError::UnsafePath {
        path: path.to_owned(),
        why,
    })?;
    Ok(trimmed.to_owned())
}

/// Packs files into a gzip-compressed tar archive (for clients uploading a submission), with
/// mode 0755 for executable files and 0644 for the others: no other bit ever travels.
pub fn pack_tar_gz(files: &BTreeMap<String, LearnerFile>) -> Result<Vec<u8>, std::io::Error> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (path, file) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(file.contents.len() as u64);
        header.set_mode(if file.executable { 0o755 } else { 0o644 });
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, path, file.contents.as_slice())?;
    }
    let mut encoder = builder.into_inner()?;
    encoder.flush()?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[Entry<'_>]) -> Vec<u8> {
        let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
        for (path, kind, contents, link) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(contents.len() as u64);
            header.set_mode(0o644);
            if let Some(link) = link {
                header.set_link_name(link).unwrap();
            }
            // Write the raw name so that hostile paths survive (the builder would refuse them).
            let name = path.as_bytes();
            header.as_old_mut().name[..name.len()].copy_from_slice(name);
            header.set_cksum();
            builder.append(&header, *contents).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    type Entry<'a> = (&'a str, tar::EntryType, &'static [u8], Option<&'static str>);

    fn file<'a>(path: &'a str, contents: &'static [u8]) -> Entry<'a> {
        (path, tar::EntryType::Regular, contents, None)
    }

    #[test]
    fn round_trips_files() {
        let files = BTreeMap::from([
            ("0-main.js".to_owned(), LearnerFile::new("console.log(1)")),
            (
                "dir/run.py".to_owned(),
                LearnerFile::new("#!/usr/bin/python3\n").executable(true),
            ),
            ("dir/x.js".to_owned(), LearnerFile::new(Vec::new())),
        ]);
        let packed = pack_tar_gz(&files).unwrap();
        assert_eq!(
            unpack_tar_gz(&packed, &UploadLimits::default()).unwrap(),
            files
        );
        let modes: Vec<u32> = tar::Archive::new(GzDecoder::new(packed.as_slice()))
            .entries()
            .unwrap()
            .map(|e| e.unwrap().header().mode().unwrap())
            .collect();
        assert_eq!(modes, [0o644, 0o755, 0o644]);
    }

    #[test]
    fn keeps_only_the_execute_bit_of_a_mode() {
        let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
        for (name, mode) in [("suid", 0o4755), ("plain", 0o666), ("group-x", 0o654)] {
            let mut header = tar::Header::new_gnu();
            header.set_size(1);
            header.set_mode(mode);
            header.set_entry_type(tar::EntryType::Regular);
            builder.append_data(&mut header, name, &b"x"[..]).unwrap();
        }
        let bytes = builder.into_inner().unwrap().finish().unwrap();
        let files = unpack_tar_gz(&bytes, &UploadLimits::default()).unwrap();
        let executable: Vec<(&str, bool)> = files
            .iter()
            .map(|(path, file)| (path.as_str(), file.executable))
            .collect();
        assert_eq!(
            executable,
            [("group-x", false), ("plain", false), ("suid", true)]
        );
    }

    #[test]
    fn takes_regular_files_and_normalises_dot_slash() {
        let bytes = archive(&[
            ("./a.js", tar::EntryType::Directory, b"", None),
            file("./a.js", b"a"),
        ]);
        let files = unpack_tar_gz(&bytes, &UploadLimits::default()).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["a.js"]);
    }

    #[test]
    fn refuses_paths_that_escape() {
        for path in ["../etc/passwd", "/etc/passwd", "a/../../x"] {
            let bytes = archive(&[file(path, b"x")]);
            let error = unpack_tar_gz(&bytes, &UploadLimits::default()).unwrap_err();
            assert!(
                matches!(error, UploadError::UnsafePath { .. }),
                "{path}: {error}"
            );
        }
    }

    #[test]
    fn refuses_links_and_special_files() {
        let symlink = archive(&[("x.js", tar::EntryType::Symlink, b"", Some("/etc/passwd"))]);
        assert_eq!(
            unpack_tar_gz(&symlink, &UploadLimits::default()),
            Err(UploadError::Link {
                path: "x.js".into()
            })
        );
        let hard = archive(&[("x.js", tar::EntryType::Link, b"", Some("/etc/shadow"))]);
        assert!(matches!(
            unpack_tar_gz(&hard, &UploadLimits::default()),
            Err(UploadError::Link { .. })
        ));
        let fifo = archive(&[("p", tar::EntryType::Fifo, b"", None)]);
        assert!(matches!(
            unpack_tar_gz(&fifo, &UploadLimits::default()),
            Err(UploadError::Special { .. })
        ));
    }

    #[test]
    fn stops_a_compression_bomb_at_the_limit() {
        // 64 MiB of zeros compress to about 64 KiB.
        let zeros = vec![0u8; 64 * 1024 * 1024];
        let files = BTreeMap::from([("bomb.js".to_owned(), LearnerFile::new(zeros))]);
        let bomb = pack_tar_gz(&files).unwrap();
        assert!(bomb.len() < 200 * 1024, "{}", bomb.len());
        let limits = UploadLimits::default();
        assert_eq!(
            unpack_tar_gz(&bomb, &limits),
            Err(UploadError::FileTooLarge {
                path: "bomb.js".into(),
                max: limits.max_file
            })
        );
        let many: BTreeMap<String, LearnerFile> = (0..40)
            .map(|i| (format!("f{i}"), LearnerFile::new(vec![0u8; 1024 * 1024])))
            .collect();
        assert_eq!(
            unpack_tar_gz(&pack_tar_gz(&many).unwrap(), &limits),
            Err(UploadError::UnpackedTooLarge {
                max: limits.max_unpacked
            })
        );
    }

    #[test]
    fn skips_unwanted_files_unread_but_counts_their_size() {
        let files = BTreeMap::from([
            ("a.js".to_owned(), LearnerFile::new(b"a".to_vec())),
            (
                "node_modules/x.js".to_owned(),
                LearnerFile::new(vec![7u8; 4096]),
            ),
            ("notes.txt".to_owned(), LearnerFile::new(b"n".to_vec())),
        ]);
        let packed = pack_tar_gz(&files).unwrap();
        let (kept, skipped) =
            unpack_tar_gz_only(&packed, &UploadLimits::default(), |p| p == "a.js").unwrap();
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["a.js"]);
        assert_eq!(skipped, 2);
        // A bomb among the skipped files is still refused by its size.
        let bomb = BTreeMap::from([(
            "junk.bin".to_owned(),
            LearnerFile::new(vec![0u8; 40 * 1024 * 1024]),
        )]);
        let limits = UploadLimits {
            max_file: 64 * 1024 * 1024,
            ..UploadLimits::default()
        };
        assert_eq!(
            unpack_tar_gz_only(&pack_tar_gz(&bomb).unwrap(), &limits, |p| p == "a.js"),
            Err(UploadError::UnpackedTooLarge {
                max: limits.max_unpacked
            })
        );
    }

    #[test]
    fn bounds_entries_archive_size_and_duplicates() {
        let limits = UploadLimits {
            max_files: 3,
            ..UploadLimits::default()
        };
        let many: BTreeMap<String, LearnerFile> = (0..4)
            .map(|i| (format!("f{i}"), LearnerFile::default()))
            .collect();
        assert_eq!(
            unpack_tar_gz(&pack_tar_gz(&many).unwrap(), &limits),
            Err(UploadError::TooManyFiles { max: 3 })
        );
        let small = UploadLimits {
            max_archive: 10,
            ..UploadLimits::default()
        };
        assert!(matches!(
            unpack_tar_gz(&pack_tar_gz(&many).unwrap(), &small),
            Err(UploadError::ArchiveTooLarge { .. })
        ));
        let twice = archive(&[file("a", b"1"), file("./a", b"2")]);
        assert_eq!(
            unpack_tar_gz(&twice, &UploadLimits::default()),
            Err(UploadError::Duplicate { path: "a".into() })
        );
        assert!(matches!(
            unpack_tar_gz(b"not gzip at all", &UploadLimits::default()),
            Err(UploadError::Corrupt(_))
        ));
    }
}
