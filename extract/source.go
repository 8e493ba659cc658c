// Package extract defines how a help desk is read into the staging store: a Source pages through
// one system's API and hands each page to a Sink, which stores the page's records and the stream's
// new cursor in one durable write. Each system is a package below this one (extract/zendesk, …)
// listed in the pipelines package's registry of sources.
package extract

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/deskport/deskport/schema"
)

// Batch is a record batch of one canonical entity, built with schema.Batch.
type Batch struct {
	Entity  schema.Entity
	Records arrow.RecordBatch
}

// Skip is a record the extract passed over on purpose, with the reason (a deleted ticket, a 404 on
// one ticket's comments). Skips are staged so reports can show them; they never fail the run.
type Skip struct {
	Entity   schema.Entity
	SourceID string
	Reason   string
}

// Truncation is a record the source returned only in part: Intercom shows the 500 most recent
// parts of a conversation. What was returned is staged; the truncation says how much is missing so
// that no report claims completeness that was not reached.
type Truncation struct {
	Entity   schema.Entity // the record's entity (tickets)
	SourceID string
	Part     string // what is incomplete (comments)
	Total    int64  // how many the source reports
	Fetched  int64  // how many it returned
}

// Page is what one durable write holds: the records of one or more API pages of a stream and the
// stream's cursor after them. The cursor is opaque bytes owned by the Source (versioned JSON is
// the convention); it is saved only together with the page's records.
type Page struct {
	Stream  string
	Batches []Batch
	Skips   []Skip
	// Truncations are records of this page the source returned only in part.
	Truncations []Truncation
	Cursor      []byte
}

// Sink stores pages. WritePage is atomic: either every record of the page and its cursor are
// stored, or nothing is. It takes ownership of the batches and releases them.
type Sink interface {
	WritePage(ctx context.Context, page Page) error
	// Cursor returns the cursor saved for stream in the snapshot being written (or the one it
	// resumes), or nil when the stream has not started.
	Cursor(ctx context.Context, stream string) ([]byte, error)
}

// Progress is told how many records of each entity were staged, for progress bars and summaries.
// Implementations must be safe for concurrent use.
type Progress interface {
	Add(entity schema.Entity, n int)
}

// Request says what to extract.
type Request struct {
	// Entities to extract; empty means every entity the source supports.
	Entities []schema.Entity
	// Since, when not zero, limits the snapshot to records changed at or after it (a delta).
	Since time.Time
}

// Wants reports whether entity e is requested.
func (r Request) Wants(e schema.Entity) bool {
	if len(r.Entities) == 0 {
		return true
	}
	for _, x := range r.Entities {
		if x == e {
			return true
		}
	}
	return false
}

// Source reads one help desk system.
type Source interface {
	// Entities lists the canonical entities this source can extract.
	Entities() []schema.Entity
	// Extract pages through the API and writes every page to sink. It resumes each stream from
	// sink.Cursor. A bad record is skipped with a reason; only errors that stop the whole stream
	// (unreachable host, rejected credentials, a page that cannot be parsed) are returned.
	Extract(ctx context.Context, req Request, sink Sink, progress Progress) error
}

// Config is what a Source is built from: the pipeline file's source block with its credentials
// already read from the environment.
type Config struct {
	System  string
	BaseURL string
	// Credentials by name (email, token, oauth_token, …); values are secrets and are never
	// logged or put into errors.
	Credentials map[string]string
	// Options from the pipeline file's source block (e.g. "comments": "auto|bulk|per_ticket").
	Options map[string]string
	// HTTPClient, when set, is the base client (tests use it to reach simulators); nil means a
	// default client.
	HTTPClient *http.Client
	// Logf, when set, receives progress lines for humans; never secrets.
	Logf func(format string, args ...any)
}

// Factory builds a Source from its configuration.
type Factory func(cfg Config) (Source, error)

// Downloader is implemented by sources whose attachments may sit behind their authentication:
// Download streams the file at rawURL through the source's own client, so its credentials go only
// to the source's host and its rate limit is respected. Callers close the body.
type Downloader interface {
	Download(ctx context.Context, rawURL string) (io.ReadCloser, error)
}
