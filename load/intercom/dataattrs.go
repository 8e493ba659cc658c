package intercom

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/deskport/deskport/load"
)

// kindDataAttribute creates a contact or company data attribute: source_phone for phones the
// phone policy took off contacts, and mapped custom fields with create: true.
const kindDataAttribute = "data_attribute"

// dataAttributePayload is the payload of data_attribute, and the request of POST /data_attributes.
type dataAttributePayload struct {
	Model       string `json:"model"` // contact or company
	Name        string `json:"name"`
	DataType    string `json:"data_type"`
	Description string `json:"description,omitempty"`
}

type dataAttributeJSON struct {
	ID       flexID `json:"id"`
	Model    string `json:"model"`
	Name     string `json:"name"`
	DataType string `json:"data_type"`
	Custom   bool   `json:"custom"`
	Archived bool   `json:"archived"`
}

func (x *exec) dataAttribute(ctx context.Context) (string, error) {
	var p dataAttributePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.Model != "contact" && p.Model != "company" {
		return "", x.invalid("model is %q; want contact or company", p.Model)
	}
	if p.Name == "" || p.DataType == "" {
		return "", x.invalid("name and data_type are required")
	}
	return x.post(ctx, &call{method: http.MethodPost, route: "/data_attributes", path: "/data_attributes", body: p})
}

// findDataAttribute looks the attribute up by model and name (Intercom compares names without case).
func (x *exec) findDataAttribute(ctx context.Context) (string, error) {
	var p dataAttributePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	attrs, err := x.c.dataAttributes(ctx, p.Model, x.op.ID)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return "", ae.opError()
		}
		return "", err
	}
	for _, a := range attrs {
		if a.Model == p.Model && strings.EqualFold(a.Name, p.Name) {
			return string(a.ID), nil
		}
	}
	return "", nil
}

// dataAttributes lists the data attributes of model ("" for contact and company both), without
// archived ones.
func (c *Client) dataAttributes(ctx context.Context, model, op string) ([]dataAttributeJSON, error) {
	var list struct {
		Data []dataAttributeJSON `json:"data"`
	}
	q := url.Values{}
	if model != "" {
		q.Set("model", model)
	}
	err := c.do(ctx, &call{method: http.MethodGet, route: "/data_attributes", path: "/data_attributes", query: q, op: op}, &list)
	var out []dataAttributeJSON
	for _, a := range list.Data {
		if !a.Archived && (a.Model == "contact" || a.Model == "company") {
			out = append(out, a)
		}
	}
	return out, err
}

// directoryDataAttributes adds the contact and company data attributes to d.
func (c *Client) directoryDataAttributes(ctx context.Context, d *load.Directory) error {
	attrs, err := c.dataAttributes(ctx, "", "")
	if err != nil {
		return err
	}
	for _, a := range attrs {
		d.DataAttributes = append(d.DataAttributes, load.DataAttribute{Model: a.Model, Name: a.Name, DataType: a.DataType})
	}
	return nil
}
