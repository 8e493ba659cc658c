// Package load executes a load plan against a target system: batches with deterministic ids go
// through a Watermill router, every outcome is appended to the ledger in the staging store, and a
// record already loaded is never created again. Each target system is a package beside this one
// (load/intercom, …) implementing Target.
package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Op is one row of plan_ops: one target operation (see docs/load-plan.md).
type Op struct {
	ID       string
	Seq      int64
	Stage    int
	Kind     string
	Entity   string
	SourceID string
	Batch    string
	Chain    string
	Refs     []string
	Payload  json.RawMessage
}

// Codes of the failures recorded without a call, when an op's refs are not loaded: nothing can
// have been created by them, so the loader retries them without reconciling first. Targets return
// CodeDependencyMissing for a ref they cannot resolve (Refs.ID does); the loader records
// CodeDependencyFailed for the ops after a failed one in a chain.
const (
	CodeDependencyMissing = "dependency_missing"
	CodeDependencyFailed  = "dependency_failed"
)

// CodeInvalidPayload is the failure a target returns for an op whose payload it cannot turn into a
// call: nothing was sent, and sending it again will not help.
const CodeInvalidPayload = "invalid_payload"

// InvalidPayload is the failure of an op whose payload a target cannot turn into a call, naming
// the op: permanent, since nothing was sent.
func InvalidPayload(op Op, format string, args ...any) *OpError {
	return &OpError{Code: CodeInvalidPayload, Message: fmt.Sprintf("op %s (%s): ", op.ID, op.Kind) + fmt.Sprintf(format, args...)}
}

// NothingSent says whether err is a failure a target returns before making any call for the op (a
// payload it cannot use, a ref not loaded), so no earlier attempt can have created the record
// either: a target's Reconcile has nothing to look for.
func NothingSent(err error) bool {
	var oe *OpError
	return errors.As(err, &oe) && (oe.Code == CodeInvalidPayload || oe.Code == CodeDependencyMissing)
}

// final says whether the loader records a failure as it is, without trying the op again: the
// target refused it for good, or a ref is not loaded (a later replay, once it is, runs it).
func (e *OpError) final() bool {
	return !e.Retryable || e.Code == CodeDependencyMissing
}

// Refs maps the op ids an op refers to onto their target ids.
type Refs map[string]string

// ID returns the target id of the op named ref, or an error naming the missing dependency.
func (r Refs) ID(ref string) (string, error) {
	if id, ok := r[ref]; ok && id != "" {
		return id, nil
	}
	return "", &OpError{Code: CodeDependencyMissing, Message: fmt.Sprintf("%s is not loaded", ref), Retryable: true}
}

// Attachment is a source file a part carries, as the plan's payload describes it.
type Attachment struct {
	SourceID    string `json:"source_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
	Download    bool   `json:"download"`
}

// Files gives targets the content of source attachments that sit behind the source's
// authentication. Open downloads a file once (streamed and checksummed into the content-addressed
// folder beside the staging file) and opens the stored copy; callers close it.
type Files interface {
	Open(ctx context.Context, a Attachment) (io.ReadCloser, error)
}

// Target is a target system's side of the load.
type Target interface {
	// Check confirms, before anything is written, that the credentials reach the workspace the
	// pipeline file names.
	Check(ctx context.Context, workspaceID string) error
	// Execute performs op and returns the id of what it created or changed. A failure the target
	// reported is an *OpError; anything else is treated as transient.
	Execute(ctx context.Context, op Op, refs Refs, files Files) (targetID string, err error)
	// Reconcile looks in the target for the result of an earlier attempt of op whose outcome was
	// lost (a crash or a dropped response after the call): found reports whether it exists.
	Reconcile(ctx context.Context, op Op, refs Refs) (targetID string, found bool, err error)
}

// ManyTarget is a Target that can also write several ops of one kind in one call (Zendesk's
// create_or_update_many for users, create_many imports for tickets): a batch of 100 then costs
// one call instead of 100.
// The runner sends a batch's unchained ops of such a kind together, at most ManySize(kind) a
// call. Ops of an interrupted run take the one-op path, which looks in the target first.
type ManyTarget interface {
	Target
	// ManySize is how many ops of kind one call takes; below 2, kind goes one op a call.
	ManySize(kind string) int
	// ExecuteMany performs ops, all of one kind, in as few calls as the target takes them and
	// returns one Outcome per op, in order. An error instead means no op has a known outcome: a
	// non-retryable *OpError says nothing was applied (each op is then sent alone), a 429 that
	// the call may be sent again, anything else that it may have been applied (each op is then
	// looked up with Reconcile before it is sent alone).
	ExecuteMany(ctx context.Context, ops []Op, refs []Refs, files Files) ([]Outcome, error)
}

// Outcome is what ExecuteMany says of one op: its target id, or Err as Execute would return it.
type Outcome struct {
	TargetID string
	Err      error
}

// OpError is a failure the target reported for one op: its error code and message, and whether
// trying again later can succeed (rate limits, server errors, timeouts, missing dependencies).
type OpError struct {
	Status    int // HTTP status, 0 when none
	Code      string
	Message   string
	Retryable bool
}

func (e *OpError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}
