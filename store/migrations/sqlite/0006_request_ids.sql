-- The id of the request that brought a submission, so that the worker's log lines about it
-- can be found from the server's.
ALTER TABLE submissions ADD COLUMN request_id TEXT;
