package intercom

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specPath is Intercom's official description of 2.15, beside the repository (../shared/specs).
var specPath = filepath.Join("..", "..", "..", "shared", "specs", "intercom", "api.intercom.io-2.15.yaml")

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// checkAgainstSpec validates requests the fake received (path, query, headers, body) against
// the official description; it is skipped when the description is not there.
func checkAgainstSpec(t *testing.T, reqs []recorded) {
	t.Helper()
	specOnce.Do(func() {
		data, err := os.ReadFile(specPath)
		if err != nil {
			specErr = err
			return
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			specErr = err
			return
		}
		doc.Servers = nil
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	if os.IsNotExist(specErr) {
		t.Logf("no spec at %s: requests not validated", specPath)
		return
	}
	if specErr != nil {
		t.Fatalf("loading the spec: %v", specErr)
	}
	for _, r := range reqs {
		target := r.Path
		if r.Query != "" {
			target += "?" + r.Query
		}
		req := httptest.NewRequest(r.Method, "http://intercom.test"+target, bytes.NewReader(r.Body))
		req.Header = r.Header.Clone()
		route, params, err := specRouter.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: not in the spec: %v", r.Method, r.Path, err)
			continue
		}
		err = openapi3filter.ValidateRequest(t.Context(), &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		})
		if err != nil {
			msg, _, _ := strings.Cut(err.Error(), "\n")
			t.Errorf("%s %s does not match the spec: %s\nbody: %s", r.Method, r.Path, msg, r.Body)
		}
	}
}
