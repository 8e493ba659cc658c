package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/deskport/deskport/load"
)

// The plan's kinds for a Zendesk target (docs/load-plan.md, "Payloads (Zendesk)").
const (
	kindOrganization  = "organization"
	kindUser          = "user"
	kindTicketImport  = "ticket_import"
	kindKBCategory    = "kb_category"
	kindKBSection     = "kb_section"
	kindKBArticle     = "kb_article"
	kindKBTranslation = "kb_translation"
)

// object is a JSON object whose fields are kept as the plan wrote them, so fields the loader does
// not know (custom fields, details) reach Zendesk unchanged.
type object map[string]json.RawMessage

// exec is one op being executed or reconciled.
type exec struct {
	c     *Client
	op    load.Op
	refs  load.Refs
	files load.Files
}

// Execute performs op and returns the id of what it created (a user updated by
// create_or_update counts as created: it is the record the plan means).
func (c *Client) Execute(ctx context.Context, op load.Op, refs load.Refs, files load.Files) (string, error) {
	x := &exec{c: c, op: op, refs: refs, files: files}
	var (
		id  string
		err error
	)
	switch op.Kind {
	case kindOrganization:
		id, err = x.organization(ctx)
	case kindUser:
		id, err = x.user(ctx)
	case kindTicketImport:
		id, err = x.ticketImport(ctx)
	case kindKBCategory:
		id, err = x.kbCategory(ctx)
	case kindKBSection:
		id, err = x.kbSection(ctx)
	case kindKBArticle:
		id, err = x.kbArticle(ctx)
	case kindKBTranslation:
		id, err = x.kbTranslation(ctx)
	default:
		return "", &load.OpError{Code: "unknown_kind", Message: fmt.Sprintf("op %s: kind %q is not a Zendesk operation", op.ID, op.Kind)}
	}
	return id, x.fail(err)
}

// fail turns a Zendesk refusal into the op's *load.OpError; other errors (no answer) stay
// transient.
func (x *exec) fail(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.opError()
	}
	return err
}

// invalid is a payload the loader cannot send: nothing was sent, and sending it again cannot help.
func (x *exec) invalid(format string, args ...any) error {
	return load.InvalidPayload(x.op, format, args...)
}

// payload reads the op's payload as an object.
func (x *exec) payload() (object, error) {
	var p object
	if err := json.Unmarshal(x.op.Payload, &p); err != nil || p == nil {
		return nil, x.invalid("payload is not a JSON object")
	}
	return p, nil
}

// inner reads the object p holds under key ("ticket", "user", …).
func (x *exec) inner(p object, key string) (object, error) {
	var o object
	if err := json.Unmarshal(p[key], &o); err != nil || o == nil {
		return nil, x.invalid("payload has no %q object", key)
	}
	return o, nil
}

// str reads a string field; absent or null is "".
func str(o object, key string) string {
	var s string
	_ = json.Unmarshal(o[key], &s)
	return s
}

// resolve replaces o[refKey] (an op id) with o[idKey], the target id of that op as a number. A
// missing optional ref is no error; a ref not loaded yet is load's dependency_missing.
func (x *exec) resolve(o object, refKey, idKey string, required bool) error {
	ref := str(o, refKey)
	delete(o, refKey)
	if ref == "" {
		if required && len(o[idKey]) == 0 {
			return x.invalid("%s is missing", refKey)
		}
		return nil
	}
	id, err := x.refID(ref)
	if err != nil {
		return err
	}
	o[idKey] = json.RawMessage(strconv.FormatInt(id, 10))
	return nil
}

// refID is the numeric target id of the op named ref.
func (x *exec) refID(ref string) (int64, error) {
	s, err := x.refs.ID(ref)
	if err != nil {
		var oe *load.OpError
		if errors.As(err, &oe) {
			oe.Message = fmt.Sprintf("op %s: %s", x.op.ID, oe.Message)
		}
		return 0, err
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, x.invalid("%s has target id %q, not a Zendesk id", ref, s)
	}
	return id, nil
}

// created is the id of the record an answer holds under key.
type created map[string]struct {
	ID int64 `json:"id"`
}

// post sends body and returns the id of the record the answer holds under key.
func (x *exec) post(ctx context.Context, route, path string, query url.Values, body any, key string, idempotent bool) (string, error) {
	var out created
	cl := &call{method: "POST", route: route, path: path, query: query, body: body, idempotent: idempotent, op: x.op.ID}
	if _, err := x.c.do(ctx, cl, &out); err != nil {
		return "", err
	}
	if out[key].ID == 0 {
		return "", fmt.Errorf("zendesk: %s: the answer has no %s id", cl.where(), key)
	}
	return strconv.FormatInt(out[key].ID, 10), nil
}

func (x *exec) organization(ctx context.Context) (string, error) {
	p, err := x.payload()
	if err != nil {
		return "", err
	}
	org, err := x.inner(p, "organization")
	if err != nil {
		return "", err
	}
	if str(org, "name") == "" {
		return "", x.invalid("organization has no name")
	}
	return x.post(ctx, "/api/v2/organizations.json", "/api/v2/organizations.json", nil, map[string]any{"organization": org}, "organization", false)
}

// user creates or updates the end user by external_id (then email): Zendesk answers 201 or 200,
// and sending it twice has the effect of once, so the transport may resend it after a lost answer.
func (x *exec) user(ctx context.Context) (string, error) {
	u, err := x.userPayload()
	if err != nil {
		return "", err
	}
	return x.post(ctx, "/api/v2/users/create_or_update.json", "/api/v2/users/create_or_update.json", nil, map[string]any{"user": u}, "user", true)
}

func (x *exec) kbCategory(ctx context.Context) (string, error) {
	p, err := x.payload()
	if err != nil {
		return "", err
	}
	cat, err := x.inner(p, "category")
	if err != nil {
		return "", err
	}
	const path = "/api/v2/help_center/categories.json"
	return x.post(ctx, path, path, nil, map[string]any{"category": cat}, "category", false)
}

func (x *exec) kbSection(ctx context.Context) (string, error) {
	p, err := x.payload()
	if err != nil {
		return "", err
	}
	sec, err := x.inner(p, "section")
	if err != nil {
		return "", err
	}
	catID, err := x.refID(str(p, "category_ref"))
	if err != nil {
		return "", err
	}
	if ref := str(p, "parent_section_ref"); ref != "" {
		parent, err := x.refID(ref)
		if err != nil {
			return "", err
		}
		sec["parent_section_id"] = json.RawMessage(strconv.FormatInt(parent, 10))
	}
	path := fmt.Sprintf("/api/v2/help_center/categories/%d/sections.json", catID)
	return x.post(ctx, "/api/v2/help_center/categories/{id}/sections.json", path, nil, map[string]any{"section": sec}, "section", false)
}

func (x *exec) kbArticle(ctx context.Context) (string, error) {
	p, err := x.payload()
	if err != nil {
		return "", err
	}
	art, err := x.inner(p, "article")
	if err != nil {
		return "", err
	}
	secID, err := x.refID(str(p, "section_ref"))
	if err != nil {
		return "", err
	}
	if err := x.resolve(p, "author_ref", "author_id", false); err != nil {
		return "", err
	}
	if id, ok := p["author_id"]; ok && len(id) > 0 && string(id) != "null" {
		art["author_id"] = id
	}
	path := fmt.Sprintf("/api/v2/help_center/sections/%d/articles.json", secID)
	return x.post(ctx, "/api/v2/help_center/sections/{id}/articles.json", path, nil, map[string]any{"article": art}, "article", false)
}

func (x *exec) kbTranslation(ctx context.Context) (string, error) {
	p, err := x.payload()
	if err != nil {
		return "", err
	}
	tr, err := x.inner(p, "translation")
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(str(tr, "locale")) == "" {
		return "", x.invalid("translation has no locale")
	}
	artID, err := x.refID(str(p, "article_ref"))
	if err != nil {
		return "", err
	}
	path := fmt.Sprintf("/api/v2/help_center/articles/%d/translations.json", artID)
	return x.post(ctx, "/api/v2/help_center/articles/{id}/translations.json", path, nil, map[string]any{"translation": tr}, "translation", false)
}
