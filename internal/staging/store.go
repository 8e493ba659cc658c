// Package staging is the staging store's writer and reader: it opens a staging file, keeps the
// snapshot bookkeeping, and ingests the Arrow batches extractors hand over (it implements
// extract.Sink). Extract code never talks SQL; this package is where that SQL lives.
package staging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/deskport/deskport/schema"
)

// Store is an open staging file. One process owns it; writes go through one dedicated
// connection, serialised, because a DuckDB transaction belongs to a connection.
type Store struct {
	Path string

	db   *sql.DB
	conn *sql.Conn

	mu       sync.Mutex // serialises writes on conn
	lastPage int64

	restoreAllocator func() // set while the store has DuckDB's allocator purge at once
}

// Open opens or creates the staging file at path, migrating its schema.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := schema.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	s := &Store{Path: path, db: db}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("staging store %s: %w", path, err)
	}
	return s, nil
}

// writerMemoryLimit caps DuckDB's buffer pool of a store that loads or reports. DuckDB otherwise
// keeps the blocks it has written cached up to most of the machine's memory, so the footprint
// would grow with the account; with the cap, finished blocks are evicted to the file instead.
// (The transform sets its own; a snapshot writer a lower one, see snapshotMemoryLimit.)
const writerMemoryLimit = "128MB"

// noRowGroupMerges turns off DuckDB's merging of adjacent row groups at a checkpoint. The store
// only appends, so every checkpoint leaves the last row group of each table it wrote partly
// filled, and the next checkpoint merged it with the new rows: it read back and rewrote up to a
// whole row group (122,880 rows) each time. In a load of 10,000 tickets, checkpointing a tail of
// 20,000 ledger events took 44 MB more at its peak with the merge and 18 MB without, and the merge
// cost grew with the ledger until it reached a row group. Without merges a table keeps some
// partly filled row groups, which its scans read as usual.
const noRowGroupMerges = "SET max_vacuum_tasks = 0"

func (s *Store) init(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "SET memory_limit = '"+writerMemoryLimit+"'"); err != nil {
		return fmt.Errorf("limiting DuckDB's memory: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, noRowGroupMerges); err != nil {
		return fmt.Errorf("configuring DuckDB's checkpoints: %w", err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	s.conn = conn
	return conn.QueryRowContext(ctx, `SELECT coalesce(max(page_id), 0) FROM pages`).Scan(&s.lastPage)
}

// ReturnFreedMemoryAtOnce has DuckDB's allocator give freed pages back to the system at once
// until the store is closed, rather than keep them for a second (see returnFreedMemoryAtOnce). A
// snapshot writer turns it on, and so does the load. The setting is process-wide; Close restores
// it.
func (s *Store) ReturnFreedMemoryAtOnce() {
	if s.restoreAllocator != nil {
		return
	}
	if restore, ok := returnFreedMemoryAtOnce(); ok {
		s.restoreAllocator = restore
	}
}

// DB is the store's database handle, for readers (sql, status, transforms).
func (s *Store) DB() *sql.DB { return s.db }

// Close releases the connection and closes the file; everything committed stays.
func (s *Store) Close() error {
	var errs []error
	if s.conn != nil {
		errs = append(errs, s.conn.Close())
	}
	errs = append(errs, s.db.Close())
	if s.restoreAllocator != nil {
		s.restoreAllocator()
		s.restoreAllocator = nil
	}
	return errors.Join(errs...)
}

// inTx runs f inside one transaction on the writer connection.
func (s *Store) inTx(ctx context.Context, f func() error) (err error) {
	if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// The context may be cancelled already: roll back regardless of it.
			_, rbErr := s.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			err = errors.Join(err, rbErr)
		}
	}()
	if err := f(); err != nil {
		return err
	}
	_, err = s.conn.ExecContext(ctx, "COMMIT")
	return err
}
