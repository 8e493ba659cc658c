package cli

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/deskport/deskport/load"
)

// reportHTML is the report page: one file with its CSS, script and charts inline, so it opens
// anywhere without a network and can be mailed to whoever paid for the migration.
//
//go:embed report.html
var reportHTML string

var reportPage = template.Must(template.New("report").Parse(reportHTML))

// pageSize is how many rows of each entity the page lists at once; the filter reaches all.
const pageSize = 500

// reportView is what the page template shows.
type reportView struct {
	Title, Staging, Pipeline string
	Run                      *load.RunInfoRow
	Runs                     []load.RunRow
	Totals                   []load.RunTotals
	Sum                      load.RunTotals
	Bars                     barChart
	Throughput, Rate         timeChart
	Failures                 []load.FailureGroup
	Entities                 []string
	RecordsJSON              template.JS
	PageSize                 int
}

// rect is one bar of a chart, in SVG user units.
type rect struct {
	Class      string
	X, Y, W, H float64
	Label      string
}

type barRow struct {
	Entity      string
	TextY, EndX float64
	Total       int
	Segments    []rect
}

type barChart struct {
	Width, Height int
	Rows          []barRow
}

type timeChart struct {
	Width, Height, Base int
	Bars                []rect
	Total, Max, Seconds int
	From                string
}

// writeReportHTML renders the report of r as one self-contained page.
func writeReportHTML(w io.Writer, r *load.Report, pipeline, staging string) error {
	v := reportView{Title: "deskport migration report", Staging: staging, Pipeline: pipeline, Run: r.Run, Runs: r.Runs,
		Totals: r.Totals, Failures: r.Failures, PageSize: pageSize}
	for _, t := range r.Totals {
		v.Sum.Total += t.Total
		v.Sum.Migrated += t.Migrated
		v.Sum.Failed += t.Failed
		v.Sum.Skipped += t.Skipped
		v.Sum.Pending += t.Pending
		v.Sum.RolledBack += t.RolledBack
		v.Entities = append(v.Entities, t.Entity)
	}
	v.Bars = entityBars(r.Totals)
	v.Throughput = throughputChart(r.Throughput)
	v.Rate = rateChart(r.Rate)
	records, err := recordsJSON(r.Records)
	if err != nil {
		return err
	}
	v.RecordsJSON = records
	return reportPage.Execute(w, v)
}

// recordsJSON packs the records as arrays (entity, source, target, status, reason, op): the page
// of a large migration stays a fraction of the size of objects with names. json.Marshal escapes
// <, > and &, so the text cannot close the script element it sits in.
func recordsJSON(recs []load.RecordRow) (template.JS, error) {
	rows := make([][6]string, len(recs))
	for i, r := range recs {
		rows[i] = [6]string{r.Entity, r.SourceID, r.TargetID, r.Status, r.Reason, r.OpID}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return template.JS(b), nil
}

// entityBars draws one stacked bar per entity, its length proportional to the largest total.
func entityBars(totals []load.RunTotals) barChart {
	const labelW, barW, rowH, barH = 170.0, 760.0, 26.0, 16.0
	c := barChart{Width: int(labelW + barW + 70), Height: int(rowH*float64(len(totals)) + 4)}
	largest := 1
	for _, t := range totals {
		largest = max(largest, t.Total)
	}
	for i, t := range totals {
		y := float64(i)*rowH + 4
		row := barRow{Entity: t.Entity, TextY: y + 12, Total: t.Total}
		x := labelW
		for _, seg := range []struct {
			class string
			n     int
		}{{"migrated", t.Migrated}, {"failed", t.Failed}, {"skipped", t.Skipped}, {"pending", t.Pending}, {"rolled_back", t.RolledBack}} {
			if seg.n == 0 {
				continue
			}
			w := barW * float64(seg.n) / float64(largest)
			row.Segments = append(row.Segments, rect{Class: seg.class, X: x, Y: y, W: w, H: barH,
				Label: fmt.Sprintf("%s: %d %s", t.Entity, seg.n, seg.class)})
			x += w
		}
		row.EndX = x + 6
		c.Rows = append(c.Rows, row)
	}
	return c
}

const chartW, chartH = 930, 150

// timeAxis places a second on the chart: the seconds from the first to the last share the
// width, several to a slot when there are more than maxSlots (a report over days of runs), where
// the slot shows the busiest of its seconds.
type timeAxis struct {
	from         time.Time
	slots, per   int // slots on the chart, seconds per slot
	totalSeconds int
}

const maxSlots = 600

func newTimeAxis(first, last time.Time) timeAxis {
	seconds := int(last.Sub(first)/time.Second) + 1
	per := (seconds + maxSlots - 1) / maxSlots
	return timeAxis{from: first, per: per, slots: (seconds + per - 1) / per, totalSeconds: seconds}
}

func (a timeAxis) x(t time.Time) (x, w float64) {
	w = min(float64(chartW-40)/float64(a.slots), 24) // a short run's few seconds stay bars, not slabs
	return 40 + w*float64(int(t.Sub(a.from)/time.Second)/a.per), max(w-1, 0.5)
}

// throughputChart stacks loaded and failed outcomes per second.
func throughputChart(points []load.Throughput) timeChart {
	c := timeChart{Width: chartW, Height: chartH, Base: chartH - 14}
	if len(points) == 0 {
		return c
	}
	axis := newTimeAxis(points[0].At, points[len(points)-1].At)
	c.Seconds, c.From = axis.totalSeconds, points[0].At.Format("2006-01-02 15:04:05 UTC")
	for _, p := range points {
		c.Max = max(c.Max, p.Loaded+p.Failed)
		c.Total += p.Loaded + p.Failed
	}
	scale := float64(c.Base-14) / float64(max(c.Max, 1))
	for _, p := range points {
		x, w := axis.x(p.At)
		hl, hf := float64(p.Loaded)*scale, float64(p.Failed)*scale
		at := p.At.Format("15:04:05")
		c.Bars = append(c.Bars, rect{Class: "migrated", X: x, Y: float64(c.Base) - hl, W: w, H: hl,
			Label: fmt.Sprintf("%s: %d loaded", at, p.Loaded)})
		if p.Failed > 0 {
			c.Bars = append(c.Bars, rect{Class: "failed", X: x, Y: float64(c.Base) - hl - hf, W: w, H: hf,
				Label: fmt.Sprintf("%s: %d failed", at, p.Failed)})
		}
	}
	return c
}

// rateChart shows the share of the window's budget used each second the headers were seen.
func rateChart(points []load.RateUse) timeChart {
	c := timeChart{Width: chartW, Height: chartH, Base: chartH - 14}
	var metered []load.RateUse
	for _, p := range points {
		c.Total += p.Calls
		if p.Limit != nil && *p.Limit > 0 {
			metered = append(metered, p)
		}
	}
	if len(metered) == 0 {
		return c
	}
	axis := newTimeAxis(metered[0].At, metered[len(metered)-1].At)
	c.Seconds, c.From = axis.totalSeconds, metered[0].At.Format("2006-01-02 15:04:05 UTC")
	full := float64(c.Base - 14)
	for _, p := range metered {
		used := 1 - float64(max(*p.MinRemaining, 0))/float64(*p.Limit)
		used = min(max(used, 0), 1)
		c.Max = max(c.Max, int(used*100+0.5))
		x, w := axis.x(p.At)
		c.Bars = append(c.Bars, rect{Class: "used", X: x, Y: float64(c.Base) - used*full, W: w, H: used * full,
			Label: fmt.Sprintf("%s: %d calls, %d of %d left", p.At.Format("15:04:05"), p.Calls, *p.MinRemaining, *p.Limit)})
	}
	return c
}
