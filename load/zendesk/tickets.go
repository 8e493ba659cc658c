package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// maxUpload bounds one attachment read into memory for its upload; Zendesk refuses files over
// 50 MB.
const maxUpload = 50 << 20

// comment is one comment of an import as the plan writes it; fields is everything else it holds
// (html_body, public, created_at, …), sent unchanged.
type comment struct {
	fields      object
	attachments []load.Attachment
}

// ticketImport uploads the comments' attachments, then imports the ticket with its comments in
// one call: Zendesk keeps the given timestamps and authors and runs no triggers. A closed ticket
// goes straight to the archive when the plan asks (archive_immediately).
func (x *exec) ticketImport(ctx context.Context) (string, error) {
	t, archive, err := x.prepareImport(ctx)
	if err != nil {
		return "", err
	}
	const path = "/api/v2/imports/tickets.json"
	return x.post(ctx, path, path, archiveQuery(archive), map[string]any{"ticket": t}, "ticket", false)
}

// archiveQuery is the query of an import that archives closed tickets at once.
func archiveQuery(archive bool) url.Values {
	if archive {
		return url.Values{"archive_immediately": {"true"}}
	}
	return nil
}

// prepareImport resolves the ticket's people and uploads its comments' files: what is left is
// the ticket object an import sends, and whether to archive it.
func (x *exec) prepareImport(ctx context.Context) (object, bool, error) {
	p, err := x.payload()
	if err != nil {
		return nil, false, err
	}
	t, err := x.inner(p, "ticket")
	if err != nil {
		return nil, false, err
	}
	if str(t, "external_id") == "" {
		return nil, false, x.invalid("ticket has no external_id: a lost answer could not be reconciled")
	}
	for _, r := range [][2]string{{"requester_ref", "requester_id"}, {"submitter_ref", "submitter_id"}, {"organization_ref", "organization_id"}} {
		if err := x.resolve(t, r[0], r[1], r[0] == "requester_ref"); err != nil {
			return nil, false, err
		}
	}
	comments, err := x.comments(t)
	if err != nil {
		return nil, false, err
	}
	out := make([]object, len(comments))
	for i, cm := range comments {
		if out[i], err = x.prepareComment(ctx, i, cm); err != nil {
			return nil, false, err
		}
	}
	if t["comments"], err = httpx.MarshalJSON(out); err != nil {
		return nil, false, x.invalid("comments: %v", err)
	}
	var archive bool
	_ = json.Unmarshal(p["archive_immediately"], &archive)
	return t, archive, nil
}

// comments reads the ticket's comments, splitting off their attachments.
func (x *exec) comments(t object) ([]comment, error) {
	var raw []object
	if len(t["comments"]) > 0 {
		if err := json.Unmarshal(t["comments"], &raw); err != nil {
			return nil, x.invalid("ticket.comments is not a list of objects")
		}
	}
	out := make([]comment, len(raw))
	for i, o := range raw {
		if len(o["attachments"]) > 0 {
			if err := json.Unmarshal(o["attachments"], &out[i].attachments); err != nil {
				return nil, x.invalid("comment %d (%s): attachments: %v", i, str(o, "source_id"), err)
			}
		}
		delete(o, "attachments")
		out[i].fields = o
	}
	return out, nil
}

// prepareComment resolves the comment's author and uploads its files, returning what the import
// sends: Zendesk's comment fields with uploads tokens.
func (x *exec) prepareComment(ctx context.Context, i int, cm comment) (object, error) {
	o := cm.fields
	if err := x.resolve(o, "author_ref", "author_id", false); err != nil {
		return nil, err
	}
	delete(o, "source_id") // ours, not Zendesk's
	var tokens []string
	for _, a := range cm.attachments {
		tok, err := x.upload(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("comment %d: %w", i, err)
		}
		tokens = append(tokens, tok)
	}
	if len(tokens) > 0 {
		o["uploads"], _ = httpx.MarshalJSON(tokens)
	}
	return o, nil
}

// upload reads a source file through the FileStore and posts its bytes. An upload whose answer
// is lost leaves an unreferenced upload, which Zendesk discards after three days: it is not
// worth reconciling, so the call may be sent again.
func (x *exec) upload(ctx context.Context, a load.Attachment) (string, error) {
	if x.files == nil {
		return "", x.invalid("attachment %s (%s): no file store to read it from", a.SourceID, a.FileName)
	}
	if a.FileName == "" {
		return "", x.invalid("attachment %s has no file name", a.SourceID)
	}
	a.Download = true
	f, err := x.files.Open(ctx, a)
	if err != nil {
		return "", fmt.Errorf("attachment %s (%s): %w", a.SourceID, a.FileName, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return "", fmt.Errorf("attachment %s (%s): reading the stored copy: %w", a.SourceID, a.FileName, err)
	}
	if len(b) > maxUpload {
		return "", &load.OpError{Code: "attachment_too_large", Message: fmt.Sprintf("op %s: attachment %s (%s) is over Zendesk's 50 MB", x.op.ID, a.SourceID, a.FileName)}
	}
	ctype := a.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	var out struct {
		Upload struct {
			Token string `json:"token"`
		} `json:"upload"`
	}
	cl := &call{method: "POST", route: "/api/v2/uploads.json", path: "/api/v2/uploads.json",
		query: url.Values{"filename": {a.FileName}}, raw: b, rawType: ctype, idempotent: true, op: x.op.ID}
	if _, err := x.c.do(ctx, cl, &out); err != nil {
		return "", err
	}
	if out.Upload.Token == "" {
		return "", fmt.Errorf("zendesk: %s: the answer has no upload token", cl.where())
	}
	return out.Upload.Token, nil
}
