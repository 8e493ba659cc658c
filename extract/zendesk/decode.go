package zendesk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// id is a Zendesk id. Ids are int64 and exceed 2^53, so they are read from the JSON text and never
// through float64; a string id is kept as is and null is "".
type id string

func (v *id) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil {
		return fmt.Errorf("id: %w", err)
	}
	if len(b) > 0 && b[0] != '"' && s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("id %s is not an int64", s)
		}
		s = strconv.FormatInt(n, 10)
	}
	*v = id(s)
	return nil
}

// scalar is a string, number or boolean read as its text (external ids come as either).
type scalar string

func (v *scalar) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*v = scalar(s)
	return err
}

// scalarText renders a JSON scalar as text: a string's contents, a number's digits, "" for null.
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return "", errors.New("empty value")
	case string(b) == "null":
		return "", nil
	case b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case b[0] == '{' || b[0] == '[':
		return "", fmt.Errorf("want a scalar, got %.20s", b)
	}
	return string(b), nil
}

// channel is via.channel: a name ("web", "email", …) or, on some payloads, the integer via id,
// kept as its decimal text since the mapping of via ids to names is not documented.
type channel string

func (v *channel) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*v = channel(s)
	return err
}

type via struct {
	Channel channel `json:"channel"`
}

// isoTime reads an ISO-8601 timestamp; null and "" are the zero time.
type isoTime struct{ time.Time }

func (v *isoTime) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil || s == "" {
		return err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", s, err)
	}
	v.Time = t.UTC()
	return nil
}

func (v isoTime) ptr() *time.Time {
	if v.IsZero() {
		return nil
	}
	t := v.Time
	return &t
}

// envelope holds every envelope field of the endpoints read here; one page uses a few of them.
type envelope struct {
	Tickets       []json.RawMessage `json:"tickets"`
	Users         []json.RawMessage `json:"users"`
	Organizations []json.RawMessage `json:"organizations"`
	TicketEvents  []json.RawMessage `json:"ticket_events"`
	Groups        []json.RawMessage `json:"groups"`
	TicketFields  []json.RawMessage `json:"ticket_fields"`
	Comments      []json.RawMessage `json:"comments"`

	// Cursor-based incremental exports.
	AfterCursor string `json:"after_cursor"`
	AfterURL    string `json:"after_url"`
	EndOfStream bool   `json:"end_of_stream"`
	// Time-based incremental exports.
	EndTime  int64  `json:"end_time"`
	NextPage string `json:"next_page"`
	Count    int    `json:"count"`
	// Cursor pagination of ordinary lists.
	Meta struct {
		HasMore     bool   `json:"has_more"`
		AfterCursor string `json:"after_cursor"`
	} `json:"meta"`
	Links struct {
		Next string `json:"next"`
	} `json:"links"`
}

// parseError locates a JSON error in the page: the offset lets a user find the bad byte.
type parseError struct {
	offset int64
	err    error
}

func (e *parseError) Error() string {
	if e.offset > 0 {
		return fmt.Sprintf("%v at offset %d", e.err, e.offset)
	}
	return e.err.Error()
}

func (e *parseError) Unwrap() error { return e.err }

func decodeEnvelope(body []byte) (*envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, &parseError{syn.Offset, err}
		case errors.As(err, &typ):
			return nil, &parseError{typ.Offset, err}
		}
		return nil, &parseError{0, err}
	}
	return &env, nil
}

// compact is the record's raw payload without insignificant whitespace.
func compact(raw json.RawMessage) []byte {
	var buf bytes.Buffer
	buf.Grow(len(raw)) // compacting only shrinks: one allocation, no growing
	if err := json.Compact(&buf, raw); err != nil {
		return append([]byte(nil), raw...)
	}
	return buf.Bytes()
}

// jsonObject is a JSON object kept as text; null and absent are "".
func jsonObject(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(compact(raw))
}

// recordID reads the id of a record that failed to decode, for the skip's source id.
func recordID(raw json.RawMessage) string {
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &r) != nil {
		return ""
	}
	s, _ := scalarText(r.ID)
	return s
}
