package intercom

import (
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specYAML is Intercom's official OpenAPI description of 2.15 (MIT, see
// spec/LICENSE.md).
//
//go:embed spec/api.intercom.io-2.15.yaml
var specYAML []byte

// The description takes ~100 ms to parse: once per process.
var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func mustLoadSpec() routers.Router {
	specOnce.Do(func() { specRouter, specErr = loadSpec() })
	if specErr != nil {
		panic(fmt.Sprintf("intercom: the embedded 2.15 description does not load: %v", specErr))
	}
	return specRouter
}

func loadSpec() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		return nil, err
	}
	if err := fixKnownSpecErrors(doc); err != nil {
		return nil, err
	}
	// No servers: paths match on any host, with the mount prefix stripped.
	doc.Servers = nil
	return gorillamux.NewRouter(doc)
}

// fixKnownSpecErrors relaxes the schemas where the description rejects
// what the real API accepts, so strict mode does not fail valid requests.
func fixKnownSpecErrors(doc *openapi3.T) error {
	schemas := doc.Components.Schemas
	// Intercom's own search examples mix filters and nested groups in one
	// group ("updated_at > x AND (a OR b)"); the description's oneOf of
	// "all groups" or "all filters" forbids it.
	multiple, single := schemas["multiple_filter_search_request"], schemas["single_filter_search_request"]
	if multiple == nil || single == nil || multiple.Value.Properties["value"] == nil {
		return errors.New("search request schemas not found")
	}
	items := &openapi3.Schema{AnyOf: openapi3.SchemaRefs{multiple, single}}
	multiple.Value.Properties["value"] = openapi3.NewSchemaRef("", openapi3.NewArraySchema().WithItems(items))
	// Company custom attributes are typed as strings only, yet the
	// description's own example sends booleans and numbers (custom company
	// attributes can be boolean, integer, float or date).
	for _, name := range []string{"create_or_update_company_request", "update_company_request"} {
		s := schemas[name]
		if s == nil || s.Value.Properties["custom_attributes"] == nil {
			return fmt.Errorf("schema %s not found", name)
		}
		s.Value.Properties["custom_attributes"] = openapi3.NewSchemaRef("", openapi3.NewObjectSchema())
	}
	// monthly_spend is typed integer, yet documented as "will truncate
	// floats, 155.98 will be truncated to 155".
	schemas["create_or_update_company_request"].Value.Properties["monthly_spend"] = openapi3.NewSchemaRef("", openapi3.NewFloat64Schema())
	return nil
}

var errNotInSpec = errors.New("not in the 2.15 description")

// validateRequest checks the request (path, query, headers, body) against
// the description. The body must be readable again afterwards: the caller
// passes a fresh reader.
func validateRequest(r *http.Request) error {
	router := mustLoadSpec()
	route, params, err := router.FindRoute(r)
	if err != nil {
		return errNotInSpec
	}
	return openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
}

// schemaDump matches the schema and value kin-openapi appends to each
// failure: too long for an API error message, and the schema is public.
var schemaDump = regexp.MustCompile(`(?s)\nSchema:\n.*?(\n Or |\z)`)

// validationMessage is the validation error on one line, every
// alternative of a oneOf kept ("… Or …").
func validationMessage(err error) string {
	msg := schemaDump.ReplaceAllString(err.Error(), " Or ")
	return strings.TrimSuffix(strings.TrimSpace(msg), " Or")
}
