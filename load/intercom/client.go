package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// maxBody bounds a response read into memory: a conversation with its 500 newest parts is a few
// megabytes.
const maxBody = 64 << 20

// errorBodyLimit bounds how much of an error response is read.
const errorBodyLimit = 64 << 10

// call is one API request.
type call struct {
	method string
	route  string // the path with ids templated: /tickets/{id}/reply
	path   string // the path below the base, ids escaped
	query  url.Values
	body   any        // encoded as JSON; nil sends no body
	stream *filesBody // a body with attachment_files, streamed from the files (replaces body)
	// idempotent marks a POST that may be sent again after a lost answer (it reads, attaches, or
	// creates-or-returns by a natural key). Other requests are idempotent by their method.
	idempotent bool
	op         string // the plan op the call is for; empty for directory reads
}

// name is the endpoint as errors and counts name it.
func (c *call) name() string { return c.method + " " + c.route }

// where names the endpoint and the op in error messages.
func (c *call) where() string {
	if c.op == "" {
		return c.name()
	}
	return fmt.Sprintf("%s (op %s)", c.name(), c.op)
}

// do sends the call and decodes a 2xx answer into out (nil: the answer is discarded). A non-2xx
// answer is an *apiError; a request that got no answer is a plain error naming the endpoint.
func (c *Client) do(ctx context.Context, cl *call, out any) error {
	u := *c.base
	u.RawPath = c.base.EscapedPath() + cl.path // cl.path has its ids escaped: an id may hold a slash
	path, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return fmt.Errorf("intercom: %s: %w", cl.where(), err)
	}
	u.Path = path
	u.RawQuery = cl.query.Encode()

	ctx = httpx.WithRoute(ctx, cl.name())
	if cl.idempotent {
		ctx = httpx.WithIdempotent(ctx, true)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), nil)
	if err != nil {
		return fmt.Errorf("intercom: %s: %w", cl.where(), httpx.UnwrapURLError(err))
	}
	switch {
	case cl.stream != nil:
		req.Body = cl.stream.reader(ctx)
		req.GetBody = func() (io.ReadCloser, error) { return cl.stream.reader(ctx), nil }
		req.ContentLength = cl.stream.length // -1 when a file's size is unknown: chunked
		if req.ContentLength == 0 {
			req.ContentLength = -1
		}
		req.Header.Set("Content-Type", "application/json")
	case cl.body != nil:
		b, err := httpx.MarshalJSON(cl.body)
		if err != nil {
			return fmt.Errorf("intercom: %s: encoding the request: %w", cl.where(), err)
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		req.ContentLength = int64(len(b))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Intercom-Version", Version)
	req.Header.Set("Accept", "application/json")

	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("intercom: %s: %w", cl.where(), ctx.Err())
		}
		return fmt.Errorf("intercom: %s: no answer from %s: %w", cl.where(), httpx.RedactURL(c.base), c.redactErr(httpx.UnwrapURLError(err)))
	}
	defer resp.Body.Close()
	c.observeRate(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(cl, resp)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, errorBodyLimit))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(out); err != nil {
		return fmt.Errorf("intercom: %s: reading the answer (%d): %w", cl.where(), resp.StatusCode, err)
	}
	return nil
}

// apiError is a non-2xx answer: Intercom's first error code and message, with the endpoint.
type apiError struct {
	Status   int
	Code     string
	Message  string
	endpoint string // method and templated path
	op       string
}

func (e *apiError) Error() string {
	where := e.endpoint
	if e.op != "" {
		where += " (op " + e.op + ")"
	}
	return fmt.Sprintf("intercom: %s: %d %s: %s", where, e.Status, e.Code, e.Message)
}

// Is lets errors.Is(err, httpx.ErrCredentials) and friends match by status.
func (e *apiError) Is(target error) bool {
	return (&httpx.StatusError{Status: e.Status}).Is(target)
}

// retryable says whether the same request can succeed later: rate limits, timeouts, server errors.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

// opError is the *load.OpError of a failed call: Intercom's code and message, named by endpoint
// and op.
func (e *apiError) opError() *load.OpError {
	return &load.OpError{Status: e.Status, Code: e.Code,
		Message:   fmt.Sprintf("%s (op %s): %s", e.endpoint, e.op, e.Message),
		Retryable: retryable(e.Status)}
}

// errorList is Intercom's error envelope.
type errorList struct {
	Type   string `json:"type"`
	Errors []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (c *Client) apiError(cl *call, resp *http.Response) *apiError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	e := &apiError{Status: resp.StatusCode, endpoint: cl.name(), op: cl.op}
	var list errorList
	if json.Unmarshal(b, &list) == nil && len(list.Errors) > 0 {
		e.Code, e.Message = list.Errors[0].Code, list.Errors[0].Message
	}
	if e.Code == "" {
		e.Code = statusCode(resp.StatusCode)
	}
	if e.Message == "" {
		e.Message = httpx.Snippet(b, 300)
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = c.redact(e.Message)
	return e
}

// statusCode names a status for answers without Intercom's envelope (a proxy's 502 page).
func statusCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "conflict"
	case http.StatusRequestTimeout:
		return "request_timeout"
	case http.StatusTooManyRequests:
		return "rate_limit_exceeded"
	}
	if status >= 500 {
		return "server_error"
	}
	return fmt.Sprintf("http_%d", status)
}

// redact removes the token from text the server or the network stack produced: a misbehaving
// proxy may echo the Authorization header.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "REDACTED")
}

func (c *Client) redactErr(err error) error {
	if err == nil || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(c.redact(err.Error()))
}
