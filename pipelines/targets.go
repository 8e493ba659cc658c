package pipelines

import (
	"context"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/load/intercom"
)

// intercomTarget adapts the Intercom client to the pipeline's target interface.
type intercomTarget struct{ *intercom.Client }

func newIntercomTarget(cfg targetConfig) (targetClient, error) {
	c, err := intercom.New(intercom.Config{BaseURL: cfg.BaseURL, Token: cfg.Credentials["token"],
		HTTPClient: cfg.HTTPClient, Concurrency: cfg.Concurrency})
	if err != nil {
		return nil, err
	}
	return intercomTarget{c}, nil
}

// Directory converts the client's directory into the target-neutral one the staging store keeps.
func (t intercomTarget) Directory(ctx context.Context) (*load.Directory, error) {
	d, err := t.Client.Directory(ctx)
	if err != nil {
		return nil, err
	}
	out := &load.Directory{}
	for _, w := range d.Workspace {
		out.Workspace = load.Workspace{ID: w.ID, Name: w.Name, Region: w.Region, MeAdminID: w.MeAdminID, MeEmail: w.MeEmail}
	}
	for _, a := range d.Admins {
		out.Admins = append(out.Admins, load.Admin{ID: a.ID, Name: a.Name, Email: a.Email})
	}
	for _, x := range d.Teams {
		out.Teams = append(out.Teams, load.Team{ID: x.ID, Name: x.Name})
	}
	for _, x := range d.TicketTypes {
		out.TicketTypes = append(out.TicketTypes, load.TicketType{ID: x.ID, Name: x.Name, Category: x.Category})
	}
	for _, x := range d.TicketTypeAttributes {
		out.TicketTypeAttributes = append(out.TicketTypeAttributes,
			load.TicketTypeAttribute{TicketTypeID: x.TicketTypeID, ID: x.ID, Name: x.Name, DataType: x.DataType})
	}
	for _, x := range d.TicketStates {
		out.TicketStates = append(out.TicketStates, load.TicketState{ID: x.ID, Category: x.Category, InternalLabel: x.InternalLabel})
	}
	return out, nil
}
