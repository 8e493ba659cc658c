package intercom

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// rowSet is one durable write's canonical rows.
type rowSet struct {
	categories   []schema.KBCategory
	sections     []schema.KBSection
	articles     []schema.KBArticle
	translations []schema.KBTranslation
	skips        []extract.Skip
}

type writer struct {
	sink     extract.Sink
	progress extract.Progress
	wants    func(schema.Entity) bool
}

// write hands the rows of the entities asked for to the sink with the stream's cursor.
func (w *writer) write(ctx context.Context, stream string, rows *rowSet, cur cursor) error {
	var batches []extract.Batch
	counts := map[schema.Entity]int{}
	add := func(e schema.Entity, n int, build func() (extract.Batch, error)) error {
		if n == 0 || !w.wants(e) {
			return nil
		}
		b, err := build()
		if err != nil {
			return err
		}
		batches = append(batches, b)
		counts[e] = n
		return nil
	}
	err := add(schema.KBCategories, len(rows.categories), func() (extract.Batch, error) { return batch(schema.KBCategories, rows.categories) })
	if err == nil {
		err = add(schema.KBSections, len(rows.sections), func() (extract.Batch, error) { return batch(schema.KBSections, rows.sections) })
	}
	if err == nil {
		err = add(schema.KBArticles, len(rows.articles), func() (extract.Batch, error) { return batch(schema.KBArticles, rows.articles) })
	}
	if err == nil {
		err = add(schema.KBTranslations, len(rows.translations), func() (extract.Batch, error) { return batch(schema.KBTranslations, rows.translations) })
	}
	if err != nil {
		for _, b := range batches {
			b.Records.Release()
		}
		return fmt.Errorf("intercom: %s: building batches: %w", stream, err)
	}
	c, _ := json.Marshal(cur) // a struct of numbers and booleans always marshals
	if err := w.sink.WritePage(ctx, extract.Page{Stream: stream, Batches: batches, Skips: rows.skips, Cursor: c}); err != nil {
		return fmt.Errorf("intercom: %s: writing page: %w", stream, err)
	}
	if w.progress != nil {
		for e, n := range counts {
			w.progress.Add(e, n)
		}
	}
	return nil
}

func batch[T any](e schema.Entity, rows []T) (extract.Batch, error) {
	rec, err := schema.Batch(e, rows)
	return extract.Batch{Entity: e, Records: rec}, err
}
