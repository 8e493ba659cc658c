package staging

import (
	"database/sql/driver"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/deskport/deskport/schema"
)

// appendBatch copies rec's rows into t's raw table through a DuckDB query appender on conn, whose
// transaction is open, each row tagged with the snapshot and page it came in.
//
// The rows are read straight from the batch's Arrow arrays into the appender's chunks, typed as
// in the batch; the INSERT casts them to the table's types (text to JSON), so a payload is stored
// as the source sent it. Exposing the batch to DuckDB as an Arrow scan instead (a view registered
// per batch, then INSERT … SELECT) left C memory behind at every registration, about 16 KB a page,
// and at every scan of a view kept for reuse: an extract's memory grew with the pages it staged.
func appendBatch(conn driver.Conn, t schema.Table, snapshotID, pageID int64, rec arrow.RecordBatch) error {
	types, err := appendedTypes(rec.Schema())
	if err != nil {
		return fmt.Errorf("%s: %w", t.RawTable(), err)
	}
	readers := make([]columnReader, rec.NumCols())
	for c, arr := range rec.Columns() {
		if readers[c], err = readerOf(arr); err != nil {
			return fmt.Errorf("%s column %s: %w", t.Entity, t.Columns[c].Name, err)
		}
	}
	insert := fmt.Sprintf(`INSERT INTO %s (snapshot_id, page_id, %s) SELECT * FROM appended_data`, t.RawTable(), t.QuotedColumns())
	app, err := duckdb.NewQueryAppender(conn, insert, "", types, nil)
	if err != nil {
		return fmt.Errorf("opening an appender on %s: %w", t.RawTable(), err)
	}
	row := make([]driver.Value, 2+len(readers))
	row[0], row[1] = snapshotID, pageID
	for i := 0; i < int(rec.NumRows()); i++ {
		for c, read := range readers {
			row[2+c] = read(i)
		}
		if err := app.AppendRow(row...); err != nil {
			_ = app.Close()
			return fmt.Errorf("%s row %d (source id %v): %w", t.Entity, i, row[2], err)
		}
	}
	return app.Close()
}

// appendedTypes are the appender's column types for a batch of schema s: the snapshot and page
// ids, then each field's DuckDB type.
func appendedTypes(s *arrow.Schema) ([]duckdb.TypeInfo, error) {
	types := make([]duckdb.TypeInfo, 0, 2+s.NumFields())
	for range 2 {
		ti, err := duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
		if err != nil {
			return nil, err
		}
		types = append(types, ti)
	}
	for _, f := range s.Fields() {
		ti, err := duckTypeOf(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		types = append(types, ti)
	}
	return types, nil
}

// duckTypeOf is the DuckDB type that holds values of Arrow type dt as readerOf reads them.
func duckTypeOf(dt arrow.DataType) (duckdb.TypeInfo, error) {
	switch dt.ID() {
	case arrow.STRING:
		return duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	case arrow.INT64:
		return duckdb.NewTypeInfo(duckdb.TYPE_BIGINT)
	case arrow.BOOL:
		return duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	case arrow.TIMESTAMP:
		return duckdb.NewTypeInfo(duckdb.TYPE_TIMESTAMP)
	case arrow.LIST:
		elem, err := duckTypeOf(dt.(*arrow.ListType).Elem())
		if err != nil {
			return nil, err
		}
		return duckdb.NewListInfo(elem)
	}
	return nil, fmt.Errorf("Arrow type %s has no staging column type", dt)
}

// columnReader reads row i of one Arrow column as the appender takes it: nil for a null, and Go's
// own type for each Arrow type a canonical table uses (schema's kinds).
type columnReader func(i int) driver.Value

// readerOf is arr's columnReader, chosen once per batch so the per-value path does no type switch.
func readerOf(arr arrow.Array) (columnReader, error) {
	switch a := arr.(type) {
	case *array.String:
		return nullOr(a, func(i int) driver.Value { return a.Value(i) }), nil
	case *array.Int64:
		return nullOr(a, func(i int) driver.Value { return a.Value(i) }), nil
	case *array.Boolean:
		return nullOr(a, func(i int) driver.Value { return a.Value(i) }), nil
	case *array.Timestamp:
		toTime, err := a.DataType().(*arrow.TimestampType).GetToTimeFunc()
		if err != nil {
			return nil, err
		}
		return nullOr(a, func(i int) driver.Value { return toTime(a.Value(i)).UTC() }), nil
	case *array.List:
		values, ok := a.ListValues().(*array.String)
		if !ok {
			return nil, fmt.Errorf("a list of %s, not of strings", a.ListValues().DataType())
		}
		return nullOr(a, func(i int) driver.Value { return stringList(a, values, i) }), nil
	}
	return nil, fmt.Errorf("Arrow type %s has no staging column type", arr.DataType())
}

// nullOr reads nil where arr holds a null and read's value elsewhere.
func nullOr(arr arrow.Array, read columnReader) columnReader {
	return func(i int) driver.Value {
		if arr.IsNull(i) {
			return nil
		}
		return read(i)
	}
}

// stringList is row i of a list-of-strings array (tags and the like), whose values are values.
func stringList(a *array.List, values *array.String, i int) []string {
	start, end := a.ValueOffsets(i)
	out := make([]string, 0, end-start)
	for j := start; j < end; j++ {
		out = append(out, values.Value(int(j)))
	}
	return out
}
