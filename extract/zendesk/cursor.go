package zendesk

import (
	"encoding/json"
	"fmt"
)

// cursorVersion is the version of the cursor format below; a change to its meaning bumps it.
const cursorVersion = 1

// cursor is a stream's saved position, stored as versioned JSON beside the page it follows.
// Each stream uses some of the fields:
//
//	tickets, users        {"v":1,"cursor":"<after_cursor>"}
//	organizations,
//	ticket_events         {"v":1,"start_time":N,"seen_ids":[ids at the boundary timestamp N]}
//	groups, ticket_fields {"v":1,"cursor":"<meta.after_cursor>"}
//	ticket_comments       {"v":1,"frontier":N}
//
// and "done":true once the stream has nothing left in this snapshot.
type cursor struct {
	V         int      `json:"v"`
	Cursor    string   `json:"cursor,omitempty"`
	StartTime int64    `json:"start_time,omitempty"`
	SeenIDs   []string `json:"seen_ids,omitempty"`
	// Frontier is the updated_at (unix) of the newest ticket whose comments are not durably
	// staged yet: every ticket updated after it is done (-1: none is pending).
	Frontier *int64 `json:"frontier,omitempty"`
	Done     bool   `json:"done,omitempty"`
}

func (c cursor) encode() []byte {
	c.V = cursorVersion
	b, _ := json.Marshal(c) // a struct of strings and numbers always marshals
	return b
}

// decodeCursor reads a saved cursor; nil means the stream has not started.
func decodeCursor(stream string, b []byte) (cursor, bool, error) {
	if len(b) == 0 {
		return cursor{V: cursorVersion}, false, nil
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return cursor{}, false, fmt.Errorf("zendesk: %s: saved cursor is not JSON: %w", stream, err)
	}
	if c.V != cursorVersion {
		return cursor{}, false, fmt.Errorf("zendesk: %s: saved cursor has version %d, this build reads %d", stream, c.V, cursorVersion)
	}
	return c, true, nil
}
