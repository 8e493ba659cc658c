package staging

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// SnapshotSpec says which source a snapshot reads and what of it.
type SnapshotSpec struct {
	Source   string
	BaseURL  string
	Entities []schema.Entity
	Since    time.Time // zero for a full snapshot
}

// Snapshot is one extract run being written. It implements extract.Sink.
type Snapshot struct {
	ID      int64
	Resumed bool // true when it continues an interrupted run of the same spec
	store   *Store
}

var _ extract.Sink = (*Snapshot)(nil)

// Snapshot statuses.
const (
	StatusRunning     = "running"
	StatusFinished    = "finished"
	StatusInterrupted = "interrupted"
)

// StartSnapshot begins a snapshot, or resumes the latest unfinished one with the same spec so an
// interrupted extract continues from its saved cursors instead of starting over.
func (s *Store) StartSnapshot(ctx context.Context, spec SnapshotSpec) (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.configureWriter(ctx); err != nil {
		return nil, err
	}
	if id, ok, err := s.unfinished(ctx, spec); err != nil || ok {
		if err == nil {
			_, err = s.conn.ExecContext(ctx, `UPDATE snapshots SET status = ? WHERE snapshot_id = ?`, StatusRunning, id)
		}
		return &Snapshot{ID: id, Resumed: true, store: s}, err
	}
	var id int64
	err := s.conn.QueryRowContext(ctx, `SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots`).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("starting snapshot: %w", err)
	}
	_, err = s.conn.ExecContext(ctx, `INSERT INTO snapshots
		(snapshot_id, source, base_url, entities, since, started_at, status)
		VALUES (?, ?, ?, ?::VARCHAR[], ?, ?, ?)`,
		id, spec.Source, spec.BaseURL, entityList(spec.Entities), nullTime(spec.Since), time.Now().UTC(), StatusRunning)
	if err != nil {
		return nil, fmt.Errorf("starting snapshot: %w", err)
	}
	return &Snapshot{ID: id, store: s}, nil
}

// snapshotMemoryLimit caps DuckDB's buffer pool while a snapshot is written. The pool fills up to
// its cap on a big account and never reaches it on a small one, so the cap is part of the peak
// that differs between them: at 128MB an extract of 20,000 tickets held ~130 MB in DuckDB's
// allocator against ~30 MB for 2,000, and at 48MB the peaks of 2,000 and 20,000 tickets were
// 10 and 13 MB higher than at 32MB. Writing pages needs little, blocks past the cap going to the
// file or its temporary directory; a checkpoint needs more, and at 24MB one failed to pin a block
// at 20,000 tickets, which ends the run (DuckDB refuses the database until it is reopened). At
// 32MB extracts of 20,000, 60,000 and 125,000 tickets (470,000 comments) ran through.
const snapshotMemoryLimit = "32MB"

// uncompressedStringMethods are DuckDB's string compressions a snapshot writer does without.
// Compressing the staged strings (ticket and comment bodies, JSON payloads) with FSST or a
// dictionary at a checkpoint allocates outside DuckDB's buffer pool, where memory_limit does not
// reach: at 20,000 tickets (48MB cap) DuckDB's allocator peaked at 90 MB during a checkpoint with
// them and at 50 MB without. The raw tables are larger for it; the staging file is a working
// file, read a few times and then thrown away.
const uncompressedStringMethods = "fsst,dictionary,dict_fsst"

// configureWriter sets the store up for writing a snapshot, so that an extract's peak memory does
// not grow with the account: a lower cap on DuckDB's buffer pool, no FSST or dictionary
// compression, and freed memory returned to the system at once (ReturnFreedMemoryAtOnce).
func (s *Store) configureWriter(ctx context.Context) error {
	if _, err := s.conn.ExecContext(ctx, "SET memory_limit = '"+snapshotMemoryLimit+"'"); err != nil {
		return fmt.Errorf("limiting DuckDB's memory: %w", err)
	}
	if _, err := s.conn.ExecContext(ctx, "SET disabled_compression_methods = '"+uncompressedStringMethods+"'"); err != nil {
		return fmt.Errorf("configuring DuckDB's compression: %w", err)
	}
	s.ReturnFreedMemoryAtOnce()
	return nil
}

func (s *Store) unfinished(ctx context.Context, spec SnapshotSpec) (int64, bool, error) {
	var id int64
	err := s.conn.QueryRowContext(ctx, `SELECT snapshot_id FROM snapshots
		WHERE status <> ? AND source = ? AND base_url = ? AND entities = ?::VARCHAR[]
		  AND since IS NOT DISTINCT FROM ?
		ORDER BY snapshot_id DESC LIMIT 1`,
		StatusFinished, spec.Source, spec.BaseURL, entityList(spec.Entities), nullTime(spec.Since)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("looking for an interrupted snapshot: %w", err)
	}
	return id, true, nil
}

// LastFinished returns when the latest finished snapshot of source started: a delta from that
// moment misses nothing that changed while it ran.
func (s *Store) LastFinished(ctx context.Context, source, baseURL string) (time.Time, bool, error) {
	var started sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT max(started_at) FROM snapshots
		WHERE status = ? AND source = ? AND base_url = ?`, StatusFinished, source, baseURL).Scan(&started)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("reading the last snapshot: %w", err)
	}
	return started.Time.UTC(), started.Valid, nil
}

// Finish marks the snapshot finished, or interrupted when runErr is not nil (it resumes then).
func (sn *Snapshot) Finish(ctx context.Context, runErr error) error {
	s := sn.store
	s.mu.Lock()
	defer s.mu.Unlock()
	status, finished := StatusFinished, sql.NullTime{Time: time.Now().UTC(), Valid: true}
	if runErr != nil {
		status, finished = StatusInterrupted, sql.NullTime{}
	}
	_, err := s.conn.ExecContext(context.WithoutCancel(ctx),
		`UPDATE snapshots SET status = ?, finished_at = ? WHERE snapshot_id = ?`, status, finished, sn.ID)
	if err != nil {
		return fmt.Errorf("closing snapshot %d: %w", sn.ID, err)
	}
	return nil
}

// Cursor returns the stream's latest saved cursor in this snapshot.
func (sn *Snapshot) Cursor(ctx context.Context, stream string) ([]byte, error) {
	var c string
	err := sn.store.db.QueryRowContext(ctx, `SELECT cursor FROM cursors
		WHERE snapshot_id = ? AND stream = ? ORDER BY page_id DESC LIMIT 1`, sn.ID, stream).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading cursor of stream %s: %w", stream, err)
	}
	return []byte(c), nil
}

// WritePage stores the page's records, skips and cursor in one transaction.
func (sn *Snapshot) WritePage(ctx context.Context, page extract.Page) error {
	defer releaseBatches(page.Batches)
	s := sn.store
	s.mu.Lock()
	defer s.mu.Unlock()
	pageID := s.lastPage + 1
	rows := 0
	err := s.inTx(ctx, func() error {
		for _, b := range page.Batches {
			if err := s.insertBatch(sn.ID, pageID, b); err != nil {
				return err
			}
			rows += int(b.Records.NumRows())
		}
		return sn.writeBookkeeping(ctx, pageID, page, rows)
	})
	if err != nil {
		return fmt.Errorf("staging a page of stream %s: %w", page.Stream, err)
	}
	s.lastPage = pageID
	return nil
}

func (sn *Snapshot) writeBookkeeping(ctx context.Context, pageID int64, page extract.Page, rows int) error {
	c := sn.store.conn
	for _, sk := range page.Skips {
		if _, err := c.ExecContext(ctx, `INSERT INTO extract_skips VALUES (?, ?, ?, ?, ?)`,
			sn.ID, pageID, string(sk.Entity), sk.SourceID, sk.Reason); err != nil {
			return fmt.Errorf("recording skip of %s %s: %w", sk.Entity, sk.SourceID, err)
		}
	}
	for _, tr := range page.Truncations {
		if _, err := c.ExecContext(ctx, `INSERT INTO extract_truncations VALUES (?, ?, ?, ?, ?, ?, ?)`,
			sn.ID, pageID, string(tr.Entity), tr.SourceID, tr.Part, tr.Total, tr.Fetched); err != nil {
			return fmt.Errorf("recording truncation of %s %s: %w", tr.Entity, tr.SourceID, err)
		}
	}
	if page.Cursor != nil {
		if _, err := c.ExecContext(ctx, `INSERT INTO cursors VALUES (?, ?, ?, ?)`,
			sn.ID, page.Stream, pageID, string(page.Cursor)); err != nil {
			return fmt.Errorf("saving cursor: %w", err)
		}
	}
	_, err := c.ExecContext(ctx, `INSERT INTO pages VALUES (?, ?, ?, ?, ?)`,
		pageID, sn.ID, page.Stream, rows, time.Now().UTC())
	return err
}

// insertBatch copies the batch into its entity's raw table, within the page's transaction.
func (s *Store) insertBatch(snapshotID, pageID int64, b extract.Batch) error {
	t, ok := schema.TableOf(b.Entity)
	if !ok {
		return fmt.Errorf("unknown entity %q", b.Entity)
	}
	if !b.Records.Schema().Equal(t.ArrowSchema()) {
		return fmt.Errorf("%s batch does not have the canonical schema (build it with schema.Batch)", b.Entity)
	}
	return s.conn.Raw(func(dc any) error {
		return appendBatch(dc.(driver.Conn), t, snapshotID, pageID, b.Records)
	})
}

func releaseBatches(bs []extract.Batch) {
	for _, b := range bs {
		if b.Records != nil {
			b.Records.Release()
		}
	}
}

func entityList(es []schema.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = string(e)
	}
	slices.Sort(out)
	return out
}

func nullTime(t time.Time) sql.NullTime {
	return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()}
}
