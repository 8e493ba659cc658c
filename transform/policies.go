package transform

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// The unassigned-ticket policies of Settings.Unassigned.
const (
	UnassignedLeave = "leave"
	unassignedTeam  = "team:"
	unassignedAdmin = "admin:"
)

// validatePolicies checks the option and policy settings.
func (s Settings) validatePolicies() []error {
	var errs []error
	if s.DateRangeBy != "created" && s.DateRangeBy != "updated" {
		errs = append(errs, fmt.Errorf("date range by %q: must be created or updated", s.DateRangeBy))
	}
	if !s.DateFrom.IsZero() && !s.DateTo.IsZero() && !s.DateFrom.Before(s.DateTo) {
		errs = append(errs, fmt.Errorf("date range: from %s is not before to %s", timeSetting(s.DateFrom), timeSetting(s.DateTo)))
	}
	if s.PhoneRegion != "" && phonenumbers.GetCountryCodeForRegion(s.PhoneRegion) == 0 {
		errs = append(errs, fmt.Errorf("phone region %q: not a region libphonenumber knows (want an ISO 3166 code like US or GB)", s.PhoneRegion))
	}
	u := s.Unassigned
	switch {
	case u == UnassignedLeave:
	case strings.HasPrefix(u, unassignedTeam) && strings.TrimSpace(u[len(unassignedTeam):]) != "":
	case strings.HasPrefix(u, unassignedAdmin) && strings.Contains(u[len(unassignedAdmin):], "@"):
	default:
		errs = append(errs, fmt.Errorf("unassigned %q: want leave, team:NAME or admin:EMAIL", u))
	}
	return errs
}

// timeSetting is a bound of the date range as the SQL reads it; "" when unbounded.
func timeSetting(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// Phone outcomes: the codes plan_notes carries for contacts (docs/load-plan.md).
const (
	phoneInvalid    = "phone_invalid"
	phoneNormalised = "phone_normalised"
)

// Phone is what one staged phone becomes: E164 set when it is a valid number, Code saying what
// happened ("" when it was already in E.164) and Reason, for people, why.
type Phone struct {
	Raw, E164, Code, Reason string
}

// NormalisePhone validates raw with libphonenumber, reading numbers without a country code as
// numbers of region ("" reads only international ones).
func NormalisePhone(raw, region string) Phone {
	p := Phone{Raw: raw}
	num, err := phonenumbers.Parse(raw, region)
	switch {
	case err != nil:
		p.Code, p.Reason = phoneInvalid, "not a phone number ("+err.Error()+")"
		if region == "" && err == phonenumbers.ErrInvalidCountryCode {
			p.Reason = "no country code, and no phones.default_region to read it with"
		}
	case !phonenumbers.IsValidNumber(num):
		p.Code, p.Reason = phoneInvalid, "not a valid number for its country"
	default:
		p.E164 = phonenumbers.Format(num, phonenumbers.E164)
		if p.E164 != raw {
			p.Code, p.Reason = phoneNormalised, "normalised to E.164"
		}
	}
	return p
}

// writePhones replaces transform_phones with every distinct staged phone and what it becomes, so
// the SQL joins the result of libphonenumber (DuckDB cannot call Go). With validation off the
// table is empty and phones go as given.
func writePhones(ctx context.Context, tx *sql.Tx, s Settings) error {
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE transform_phones (raw TEXT, e164 TEXT, code TEXT, reason TEXT)`); err != nil {
		return fmt.Errorf("transform: writing transform_phones: %w", err)
	}
	if !s.ValidatePhones {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT phone FROM contacts WHERE trim(coalesce(phone, '')) <> '' ORDER BY phone`)
	if err != nil {
		return fmt.Errorf("transform: reading phones: %w", err)
	}
	var raws []string
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return fmt.Errorf("transform: reading phones: %w", err)
		}
		raws = append(raws, raw)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("transform: reading phones: %w", err)
	}
	return insertRows(ctx, tx, "transform_phones", 4, len(raws), func(i int) []any {
		p := NormalisePhone(raws[i], s.PhoneRegion)
		return []any{p.Raw, nullable(p.E164), nullable(p.Code), nullable(p.Reason)}
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertRows inserts n rows of width columns into table, a few hundred per statement.
func insertRows(ctx context.Context, tx *sql.Tx, table string, width, n int, row func(int) []any) error {
	const chunk = 250
	marks := "(?" + strings.Repeat(", ?", width-1) + ")"
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		args := make([]any, 0, (end-start)*width)
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		q := "INSERT INTO " + table + " VALUES " + marks + strings.Repeat(", "+marks, end-start-1)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("transform: writing %s: %w", table, err)
		}
	}
	return nil
}
