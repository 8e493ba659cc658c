package schema

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// kind is how one Go field is stored: its Arrow type, its DuckDB type and how its zero value reads.
type kind int

const (
	kindText     kind = iota // VARCHAR, empty string kept
	kindOptText              // VARCHAR, empty string stored as NULL (ids, optional enums)
	kindJSON                 // JSON, empty string stored as NULL
	kindBool                 // BOOLEAN
	kindInt                  // BIGINT
	kindTime                 // TIMESTAMP (UTC), zero time stored as NULL
	kindOptTime              // TIMESTAMP (UTC) from a *time.Time, nil stored as NULL
	kindTextList             // VARCHAR[]
	kindRaw                  // JSON payload from []byte, empty stored as NULL
)

func (k kind) arrowType() arrow.DataType {
	switch k {
	case kindBool:
		return arrow.FixedWidthTypes.Boolean
	case kindInt:
		return arrow.PrimitiveTypes.Int64
	case kindTime, kindOptTime:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case kindTextList:
		return arrow.ListOf(arrow.BinaryTypes.String)
	default:
		return arrow.BinaryTypes.String
	}
}

func (k kind) sqlType() string {
	switch k {
	case kindJSON, kindRaw:
		return "JSON"
	case kindBool:
		return "BOOLEAN"
	case kindInt:
		return "BIGINT"
	case kindTime, kindOptTime:
		return "TIMESTAMP"
	case kindTextList:
		return "VARCHAR[]"
	default:
		return "VARCHAR"
	}
}

// Column is one typed column of a canonical entity.
type Column struct {
	Name string
	kind kind
	get  func(row any) any
}

// SQLType is the DuckDB type of the column in the staging store.
func (c Column) SQLType() string { return c.kind.sqlType() }

// Table describes one canonical entity: its columns in order, the first being source_id.
type Table struct {
	Entity  Entity
	Columns []Column
}

// col builds a Column whose getter reads field f of row type T.
func col[T any, V any](name string, k kind, f func(*T) V) Column {
	return Column{Name: name, kind: k, get: func(row any) any { return f(row.(*T)) }}
}

// Tables lists every canonical entity in the order the staging store creates them.
var Tables = []Table{
	{Tickets, []Column{
		col("source_id", kindText, func(r *Ticket) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Ticket) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Ticket) time.Time { return r.UpdatedAt }),
		col("subject", kindText, func(r *Ticket) string { return r.Subject }),
		col("description", kindText, func(r *Ticket) string { return r.Description }),
		col("status", kindOptText, func(r *Ticket) string { return r.Status }),
		col("priority", kindOptText, func(r *Ticket) string { return r.Priority }),
		col("type", kindOptText, func(r *Ticket) string { return r.Type }),
		col("channel", kindOptText, func(r *Ticket) string { return r.Channel }),
		col("requester_id", kindOptText, func(r *Ticket) string { return r.RequesterID }),
		col("submitter_id", kindOptText, func(r *Ticket) string { return r.SubmitterID }),
		col("assignee_id", kindOptText, func(r *Ticket) string { return r.AssigneeID }),
		col("group_id", kindOptText, func(r *Ticket) string { return r.GroupID }),
		col("organization_id", kindOptText, func(r *Ticket) string { return r.OrganizationID }),
		col("external_id", kindOptText, func(r *Ticket) string { return r.ExternalID }),
		col("tags", kindTextList, func(r *Ticket) []string { return r.Tags }),
		col("custom_fields", kindJSON, func(r *Ticket) string { return r.CustomFields }),
		col("due_at", kindOptTime, func(r *Ticket) *time.Time { return r.DueAt }),
		col("deleted", kindBool, func(r *Ticket) bool { return r.Deleted }),
		col("payload", kindRaw, func(r *Ticket) []byte { return r.Raw }),
	}},
	{Comments, []Column{
		col("source_id", kindText, func(r *Comment) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Comment) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Comment) time.Time { return r.UpdatedAt }),
		col("ticket_id", kindText, func(r *Comment) string { return r.TicketID }),
		col("author_id", kindOptText, func(r *Comment) string { return r.AuthorID }),
		col("public", kindBool, func(r *Comment) bool { return r.Public }),
		col("body_html", kindText, func(r *Comment) string { return r.BodyHTML }),
		col("body_text", kindText, func(r *Comment) string { return r.BodyText }),
		col("channel", kindOptText, func(r *Comment) string { return r.Channel }),
		col("payload", kindRaw, func(r *Comment) []byte { return r.Raw }),
	}},
	{Contacts, []Column{
		col("source_id", kindText, func(r *Contact) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Contact) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Contact) time.Time { return r.UpdatedAt }),
		col("name", kindText, func(r *Contact) string { return r.Name }),
		col("email", kindOptText, func(r *Contact) string { return r.Email }),
		col("phone", kindOptText, func(r *Contact) string { return r.Phone }),
		col("role", kindOptText, func(r *Contact) string { return r.Role }),
		col("organization_id", kindOptText, func(r *Contact) string { return r.OrganizationID }),
		col("external_id", kindOptText, func(r *Contact) string { return r.ExternalID }),
		col("locale", kindOptText, func(r *Contact) string { return r.Locale }),
		col("time_zone", kindOptText, func(r *Contact) string { return r.TimeZone }),
		col("tags", kindTextList, func(r *Contact) []string { return r.Tags }),
		col("custom_fields", kindJSON, func(r *Contact) string { return r.CustomFields }),
		col("suspended", kindBool, func(r *Contact) bool { return r.Suspended }),
		col("payload", kindRaw, func(r *Contact) []byte { return r.Raw }),
	}},
	{Companies, []Column{
		col("source_id", kindText, func(r *Company) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Company) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Company) time.Time { return r.UpdatedAt }),
		col("name", kindText, func(r *Company) string { return r.Name }),
		col("domain_names", kindTextList, func(r *Company) []string { return r.DomainNames }),
		col("details", kindText, func(r *Company) string { return r.Details }),
		col("notes", kindText, func(r *Company) string { return r.Notes }),
		col("tags", kindTextList, func(r *Company) []string { return r.Tags }),
		col("custom_fields", kindJSON, func(r *Company) string { return r.CustomFields }),
		col("payload", kindRaw, func(r *Company) []byte { return r.Raw }),
	}},
	{Agents, []Column{
		col("source_id", kindText, func(r *Agent) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Agent) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Agent) time.Time { return r.UpdatedAt }),
		col("name", kindText, func(r *Agent) string { return r.Name }),
		col("email", kindOptText, func(r *Agent) string { return r.Email }),
		col("role", kindOptText, func(r *Agent) string { return r.Role }),
		col("active", kindBool, func(r *Agent) bool { return r.Active }),
		col("payload", kindRaw, func(r *Agent) []byte { return r.Raw }),
	}},
	{Groups, []Column{
		col("source_id", kindText, func(r *Group) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Group) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Group) time.Time { return r.UpdatedAt }),
		col("name", kindText, func(r *Group) string { return r.Name }),
		col("description", kindText, func(r *Group) string { return r.Description }),
		col("deleted", kindBool, func(r *Group) bool { return r.Deleted }),
		col("payload", kindRaw, func(r *Group) []byte { return r.Raw }),
	}},
	{Attachments, []Column{
		col("source_id", kindText, func(r *Attachment) string { return r.SourceID }),
		col("created_at", kindTime, func(r *Attachment) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *Attachment) time.Time { return r.UpdatedAt }),
		col("comment_id", kindOptText, func(r *Attachment) string { return r.CommentID }),
		col("ticket_id", kindOptText, func(r *Attachment) string { return r.TicketID }),
		col("file_name", kindText, func(r *Attachment) string { return r.FileName }),
		col("content_type", kindOptText, func(r *Attachment) string { return r.ContentType }),
		col("size", kindInt, func(r *Attachment) int64 { return r.Size }),
		col("content_url", kindOptText, func(r *Attachment) string { return r.ContentURL }),
		col("inline", kindBool, func(r *Attachment) bool { return r.Inline }),
		col("payload", kindRaw, func(r *Attachment) []byte { return r.Raw }),
	}},
	{TicketFields, []Column{
		col("source_id", kindText, func(r *TicketField) string { return r.SourceID }),
		col("created_at", kindTime, func(r *TicketField) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *TicketField) time.Time { return r.UpdatedAt }),
		col("title", kindText, func(r *TicketField) string { return r.Title }),
		col("type", kindOptText, func(r *TicketField) string { return r.Type }),
		col("active", kindBool, func(r *TicketField) bool { return r.Active }),
		col("required", kindBool, func(r *TicketField) bool { return r.Required }),
		col("options", kindJSON, func(r *TicketField) string { return r.Options }),
		col("payload", kindRaw, func(r *TicketField) []byte { return r.Raw }),
	}},
}

// TableOf returns the description of entity e.
func TableOf(e Entity) (Table, bool) {
	for _, t := range AllTables() {
		if t.Entity == e {
			return t, true
		}
	}
	return Table{}, false
}

// ArrowSchema is the Arrow schema of the entity's record batches.
func (t Table) ArrowSchema() *arrow.Schema {
	fields := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: c.kind.arrowType(), Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// QuotedColumns is the column list, quoted, for SQL that copies the columns.
func (t Table) QuotedColumns() string {
	q := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		q[i] = quoteIdent(c.Name)
	}
	return strings.Join(q, ", ")
}

// ColumnNames lists the columns in order, for SQL that copies them.
func (t Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// Batch builds an Arrow record batch of entity rows. Rows must be of the entity's row type
// (Ticket for Tickets, Comment for Comments, …); the caller releases the batch.
func Batch[T any](e Entity, rows []T) (arrow.RecordBatch, error) {
	t, ok := TableOf(e)
	if !ok {
		return nil, fmt.Errorf("unknown entity %q", e)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, t.ArrowSchema())
	defer b.Release()
	if err := appendColumns(t, b, rows); err != nil {
		return nil, err
	}
	return b.NewRecordBatch(), nil
}

// appendColumns fills the builder a column at a time: each column's values are read once, its
// text buffer is sized for them, then they are appended. A builder left to grow doubles its
// buffers, copying what it holds each time: for a page of ticket payloads that was twice the
// page's size in garbage, half of what an extract allocated.
func appendColumns[T any](t Table, b *array.RecordBuilder, rows []T) (err error) {
	defer func() {
		// A row of the wrong type panics in a getter's type assertion: report it as an error.
		if r := recover(); r != nil {
			var row T
			err = fmt.Errorf("row type %T does not match entity %s", row, t.Entity)
		}
	}()
	b.Reserve(len(rows))
	values := make([]any, len(rows))
	for i, c := range t.Columns {
		text := 0
		for r := range rows {
			values[r] = c.get(&rows[r])
			text += textLen(c.kind, values[r])
		}
		fb := b.Field(i)
		if sb, ok := fb.(*array.StringBuilder); ok {
			sb.ReserveData(text)
		}
		for _, v := range values {
			appendValue(fb, c.kind, v)
		}
	}
	return nil
}

// textLen is the bytes a value adds to a string column's data (0 for other kinds).
func textLen(k kind, v any) int {
	switch k {
	case kindText, kindOptText, kindJSON:
		return len(v.(string))
	case kindRaw:
		return len(v.([]byte))
	}
	return 0
}

func appendValue(fb array.Builder, k kind, v any) {
	switch k {
	case kindText:
		fb.(*array.StringBuilder).Append(v.(string))
	case kindOptText, kindJSON:
		s := v.(string)
		if s == "" {
			fb.AppendNull()
			return
		}
		fb.(*array.StringBuilder).Append(s)
	case kindRaw:
		raw := v.([]byte)
		if len(raw) == 0 {
			fb.AppendNull()
			return
		}
		fb.(*array.StringBuilder).BinaryBuilder.Append(raw) // no string copy of the payload
	case kindBool:
		fb.(*array.BooleanBuilder).Append(v.(bool))
	case kindInt:
		fb.(*array.Int64Builder).Append(v.(int64))
	case kindTime:
		appendTime(fb, v.(time.Time))
	case kindOptTime:
		if tp := v.(*time.Time); tp != nil {
			appendTime(fb, *tp)
			return
		}
		fb.AppendNull()
	case kindTextList:
		list := v.([]string)
		lb := fb.(*array.ListBuilder)
		if list == nil {
			lb.AppendNull()
			return
		}
		lb.Append(true)
		vb := lb.ValueBuilder().(*array.StringBuilder)
		for _, s := range list {
			vb.Append(s)
		}
	}
}

func appendTime(fb array.Builder, t time.Time) {
	if t.IsZero() {
		fb.AppendNull()
		return
	}
	fb.(*array.TimestampBuilder).Append(arrow.Timestamp(t.UTC().UnixMicro()))
}

// quoteIdent quotes a SQL identifier; column names are ours, but quoting keeps words like
// "type" and "public" from ever meaning anything else.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
