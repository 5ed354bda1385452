//! Server-sent events: the `event:`/`data:` blocks of a `text/event-stream`.

/// One event of a stream: its name and its data text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerEvent {
    /// The event name (`message` when the block names none).
    pub(crate) event: String,
    /// Its data lines, joined by newlines.
    pub(crate) data: String,
}

/// Splits complete blocks off the front of `buffer` (bytes received so far, as text) and
/// returns their events; an incomplete block stays for the next chunk.
pub(crate) fn drain_events(buffer: &mut String) -> Vec<ServerEvent> {
    let mut events = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        events.extend(parse_event(&block));
    }
    events
}

/// One `event:`/`data:` block; comments (keep-alives) are none.
fn parse_event(block: &str) -> Option<ServerEvent> {
    let mut event = "message".to_owned();
    let mut data = String::new();
    let mut any = false;
    for line in block.lines() {
        if let Some(name) = line.strip_prefix("event:") {
            event = name.trim().to_owned();
            any = true;
        } else if let Some(text) = line.strip_prefix("data:") {
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(text.strip_prefix(' ').unwrap_or(text));
            any = true;
        }
    }
    any.then_some(ServerEvent { event, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_server_sent_events() {
        let event = parse_event("id: 3\nevent: check\ndata: {\"a\":1}\n\n").unwrap();
        assert_eq!(event.event, "check");
        assert_eq!(event.data, "{\"a\":1}");
        assert!(parse_event(":\n\n").is_none());
    }

    #[test]
    fn incomplete_blocks_wait_for_the_next_chunk() {
        let mut buffer = ": keep-alive\n\nevent: done\ndata: {}\n\nevent: ta".to_owned();
        let events = drain_events(&mut buffer);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event, "done");
        assert_eq!(buffer, "event: ta");
    }
}
