-- A learner file's executable bit (the only part of its mode kept): tasks check it, and a
-- script run as ./file needs it. Files stored before keep 0 (not executable).
ALTER TABLE submission_files ADD COLUMN executable INTEGER NOT NULL DEFAULT 0;
