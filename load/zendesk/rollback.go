package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/deskport/deskport/load"
)

var _ load.Undoer = (*Client)(nil)

// undoRule is how the result of one kind of op goes away in Zendesk.
type undoRule struct {
	// collection is the path of DELETE {collection}/{id}.json.
	collection string
	// forGood, when set, is the path of DELETE {forGood}/{id}.json, which deletes for good what
	// the first DELETE only soft-deletes: a soft-deleted ticket stays in the deleted tickets view
	// for 30 days and a deleted user among the deleted users, where a migration run again would
	// meet them; deleting them for good leaves the account as it was before the run.
	forGood string
	// check reads the record before it is deleted, and answers a *load.KeepError when it is not
	// the run's to delete, or a 404 when it is gone.
	check func(x *exec, ctx context.Context, id string) error
}

// undoRules is the table rollback follows, one row per kind of a Zendesk plan. A ticket's
// comments are inside its ticket_import op, so they go with it; a section takes its nested
// sections and articles with it, a category everything in it, but the rollback deletes each
// record it created itself, newest first (translations, articles, sections, categories, then
// tickets, users, organizations), so records a later run added under them are deleted too and
// nothing of this run is left to go by surprise.
var undoRules = map[string]undoRule{
	kindTicketImport:  {collection: "/api/v2/tickets", forGood: "/api/v2/deleted_tickets"},
	kindUser:          {collection: "/api/v2/users", forGood: "/api/v2/deleted_users", check: (*exec).userIsOurs},
	kindOrganization:  {collection: "/api/v2/organizations", check: (*exec).organizationIsOurs},
	kindKBCategory:    {collection: "/api/v2/help_center/categories"},
	kindKBSection:     {collection: "/api/v2/help_center/sections"},
	kindKBArticle:     {collection: "/api/v2/help_center/articles"}, // Zendesk archives it
	kindKBTranslation: {collection: "/api/v2/help_center/translations"},
}

// HowToUndo says how op's result goes away: every kind of a Zendesk plan is deleted by a call.
func (c *Client) HowToUndo(op load.Op) load.Undo {
	if _, ok := undoRules[op.Kind]; !ok {
		return load.Undo{Reason: "rollback does not know the kind " + op.Kind}
	}
	return load.Undo{Delete: true}
}

// Delete removes targetID, the result of op:
//
//   - ticket_import: DELETE /api/v2/tickets/{id}.json, then for good with
//     DELETE /api/v2/deleted_tickets/{id}.json, whose job it waits for. A rolled-back ticket is
//     then found neither by the ticket list nor by search, the look-ups Reconcile makes, nor
//     counted as a duplicate of its next import.
//   - user: only an end user that requests no ticket any more (the run's tickets are deleted
//     before its users): create_or_update matches users by external_id and email, so the run's
//     user may be one that was in Zendesk before, with tickets of its own; such a user, and an
//     agent or admin, is kept with the reason (*load.KeepError), and so is its organization. The
//     user is then deleted (DELETE /api/v2/users/{id}.json) and deleted for good
//     (DELETE /api/v2/deleted_users/{id}.json), so its email and external_id are free again. An
//     end user create_or_update matched that requests no ticket is deleted: Zendesk does not
//     say whether the call created or updated it.
//   - organization: kept while users or tickets the rollback did not delete still belong to it;
//     else DELETE /api/v2/organizations/{id}.json.
//   - Guide: DELETE /api/v2/help_center/{categories|sections|articles|translations}/{id}.json.
//
// DELETE is idempotent: the transport sends it again after a lost answer, and a record already
// gone answers 404, which rollback counts as already deleted.
func (c *Client) Delete(ctx context.Context, op load.Op, targetID string) error {
	rule, ok := undoRules[op.Kind]
	if !ok {
		return &load.OpError{Code: "not_deletable", Message: "rollback does not know the kind " + op.Kind}
	}
	x := &exec{c: c, op: op}
	if _, err := strconv.ParseInt(targetID, 10, 64); err != nil {
		return x.invalid("target id %q is not a Zendesk id", targetID)
	}
	if rule.check != nil {
		if err := rule.check(x, ctx, targetID); err != nil {
			return x.fail(err)
		}
	}
	gone, err := x.deleteAt(ctx, rule.collection, targetID)
	switch {
	case err != nil:
		return x.fail(err)
	case rule.forGood == "" && gone != nil:
		return x.fail(gone)
	case rule.forGood == "":
		return nil
	}
	// A 404 of the first DELETE may be a ticket or user soft-deleted already (by an earlier
	// rollback that stopped in between, or by hand): it is deleted for good all the same.
	goneForGood, err := x.destroy(ctx, rule.forGood, targetID)
	if err != nil {
		return x.fail(err)
	}
	if gone != nil && goneForGood != nil {
		return x.fail(gone)
	}
	return nil
}

// deleteAt sends DELETE {collection}/{id}.json. A 404 is returned apart (gone), not as err.
func (x *exec) deleteAt(ctx context.Context, collection, id string) (gone *apiError, err error) {
	cl := &call{method: http.MethodDelete, route: collection + "/{id}.json", path: collection + "/" + id + ".json", op: x.op.ID}
	_, err = x.c.do(ctx, cl, nil)
	if ae := (*apiError)(nil); errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return ae, nil
	}
	return nil, err
}

// destroy deletes a soft-deleted record for good. Deleting a ticket for good is a job: its
// answer is a job status, waited for until the job is completed.
func (x *exec) destroy(ctx context.Context, collection, id string) (gone *apiError, err error) {
	var out struct {
		JobStatus *jobStatus `json:"job_status"`
	}
	cl := &call{method: http.MethodDelete, route: collection + "/{id}.json", path: collection + "/" + id + ".json", op: x.op.ID}
	_, err = x.c.do(ctx, cl, &out)
	if ae := (*apiError)(nil); errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return ae, nil
	}
	if err != nil || out.JobStatus == nil || out.JobStatus.ID == "" {
		return nil, err
	}
	_, err = x.c.awaitJob(ctx, x.op.ID, *out.JobStatus)
	return nil, err
}

// userIsOurs keeps an agent or admin, and an end user who still requests tickets. A user
// deleted already (inactive) goes on to be deleted for good.
func (x *exec) userIsOurs(ctx context.Context, id string) error {
	var u struct {
		User struct {
			Role   string `json:"role"`
			Active *bool  `json:"active"`
		} `json:"user"`
	}
	if err := x.get(ctx, "/api/v2/users/{id}.json", "/api/v2/users/"+id+".json", nil, &u); err != nil {
		return err
	}
	if u.User.Active != nil && !*u.User.Active {
		return nil
	}
	if u.User.Role != "end-user" {
		return &load.KeepError{Reason: fmt.Sprintf("Zendesk user %s is an %s: a rollback deletes end users only", id, u.User.Role)}
	}
	var rel struct {
		Related struct {
			Requested int `json:"requested_tickets"`
		} `json:"user_related"`
	}
	if err := x.get(ctx, "/api/v2/users/{id}/related.json", "/api/v2/users/"+id+"/related.json", nil, &rel); err != nil {
		return err
	}
	if n := rel.Related.Requested; n > 0 {
		return &load.KeepError{Reason: fmt.Sprintf("Zendesk user %s still requests %d tickets this rollback did not delete: "+
			"it was in Zendesk before the migration (create_or_update matched it), or another run's tickets need it", id, n)}
	}
	return nil
}

// organizationIsOurs keeps an organization that users or tickets the rollback did not delete
// still belong to.
func (x *exec) organizationIsOurs(ctx context.Context, id string) error {
	var rel struct {
		Related struct {
			Users   int `json:"users_count"`
			Tickets int `json:"tickets_count"`
		} `json:"organization_related"`
	}
	if err := x.get(ctx, "/api/v2/organizations/{id}/related.json", "/api/v2/organizations/"+id+"/related.json", nil, &rel); err != nil {
		return err
	}
	if r := rel.Related; r.Users > 0 || r.Tickets > 0 {
		return &load.KeepError{Reason: fmt.Sprintf("Zendesk organization %s still has %d users and %d tickets this rollback did not delete: "+
			"it was in Zendesk before the migration, or another run's records need it", id, r.Users, r.Tickets)}
	}
	return nil
}

// get reads path into out; the op's look-ups name it in their errors.
func (x *exec) get(ctx context.Context, route, path string, query map[string][]string, out any) error {
	_, err := x.c.do(ctx, &call{method: http.MethodGet, route: route, path: path, query: query, op: x.op.ID}, out)
	return err
}
