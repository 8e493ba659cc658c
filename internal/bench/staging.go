package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/schema"
)

// benchStaging compares the staging writer (Arrow batches built with schema.Batch, one
// transaction per page) with a plain DuckDB appender inserting the same rows into a table of the
// same columns, in the same run, so the ratio cancels the machine's speed.
func benchStaging(ctx context.Context, source, dir string) error {
	rows, err := readComments(ctx, source)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no comments staged in %s", source)
	}
	const pageSize = 1000
	writer, err := timeWriter(ctx, filepath.Join(dir, "writer.duckdb"), rows, pageSize)
	if err != nil {
		return err
	}
	appender, err := timeAppender(ctx, filepath.Join(dir, "appender.duckdb"), rows, len(rows))
	if err != nil {
		return err
	}
	perPage, err := timeAppender(ctx, filepath.Join(dir, "appender-pages.duckdb"), rows, pageSize)
	if err != nil {
		return err
	}
	rate := func(d time.Duration) float64 { return float64(len(rows)) / d.Seconds() }
	fmt.Printf("staging writer on %d comment rows (a transaction per page of %d): %.0f rows/s\n", len(rows), pageSize, rate(writer))
	fmt.Printf("plain DuckDB appender, one flush: %.0f rows/s; committing every %d rows as the writer does: %.0f rows/s\n",
		rate(appender), pageSize, rate(perPage))
	fmt.Printf("staged rows per second / plain appender rows per second: %.2f (vs the appender committing per page: %.2f)\n",
		rate(writer)/rate(appender), rate(writer)/rate(perPage))
	return nil
}

func readComments(ctx context.Context, path string) ([]schema.Comment, error) {
	db, err := schema.OpenReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rs, err := db.QueryContext(ctx, `SELECT source_id, ticket_id, coalesce(author_id, ''), public, body_html, body_text,
		coalesce(channel, ''), created_at, coalesce(updated_at, created_at), coalesce(payload::VARCHAR, '') FROM comments`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []schema.Comment
	for rs.Next() {
		var c schema.Comment
		var raw string
		if err := rs.Scan(&c.SourceID, &c.TicketID, &c.AuthorID, &c.Public, &c.BodyHTML, &c.BodyText, &c.Channel, &c.CreatedAt, &c.UpdatedAt, &raw); err != nil {
			return nil, err
		}
		c.Raw = []byte(raw)
		out = append(out, c)
	}
	return out, rs.Err()
}

func timeWriter(ctx context.Context, path string, rows []schema.Comment, pageSize int) (time.Duration, error) {
	store, err := staging.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer store.Close()
	sn, err := store.StartSnapshot(ctx, staging.SnapshotSpec{Source: "bench", BaseURL: "bench"})
	if err != nil {
		return 0, err
	}
	started := time.Now()
	for lo := 0; lo < len(rows); lo += pageSize {
		rec, err := schema.Batch(schema.Comments, rows[lo:min(lo+pageSize, len(rows))])
		if err != nil {
			return 0, err
		}
		page := extract.Page{Stream: "comments", Batches: []extract.Batch{{Entity: schema.Comments, Records: rec}}, Cursor: []byte(fmt.Sprint(lo))}
		if err := sn.WritePage(ctx, page); err != nil {
			return 0, err
		}
	}
	return time.Since(started), nil
}

// timeAppender appends rows with DuckDB's appender, flushing (and so committing) every flushEvery rows.
func timeAppender(ctx context.Context, path string, rows []schema.Comment, flushEvery int) (time.Duration, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE comments (source_id VARCHAR, created_at TIMESTAMP, updated_at TIMESTAMP,
		ticket_id VARCHAR, author_id VARCHAR, public BOOLEAN, body_html VARCHAR, body_text VARCHAR, channel VARCHAR, payload JSON)`); err != nil {
		return 0, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	started := time.Now()
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "comments")
		if err != nil {
			return err
		}
		for i, c := range rows {
			if i > 0 && i%flushEvery == 0 {
				if err := app.Flush(); err != nil {
					return err
				}
			}
			if err := app.AppendRow(c.SourceID, c.CreatedAt, c.UpdatedAt, c.TicketID, c.AuthorID, c.Public, c.BodyHTML, c.BodyText, c.Channel, string(c.Raw)); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	return time.Since(started), err
}
