package cli

import (
	"fmt"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/schema"
)

// progress counts staged records per entity; on a terminal it draws one live counter per entity,
// elsewhere it stays silent until the summary.
type progress struct {
	env    *Env
	mu     sync.Mutex
	counts map[schema.Entity]int
	bars   map[schema.Entity]*mpb.Bar
	p      *mpb.Progress
}

func newProgress(env *Env) *progress {
	pr := &progress{env: env, counts: map[schema.Entity]int{}, bars: map[schema.Entity]*mpb.Bar{}}
	if env.Terminal {
		pr.p = mpb.New(mpb.WithOutput(env.Stderr), mpb.WithWidth(32))
	}
	return pr
}

// Add implements extract.Progress.
func (pr *progress) Add(e schema.Entity, n int) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.counts[e] += n
	if pr.p == nil {
		return
	}
	bar, ok := pr.bars[e]
	if !ok {
		bar = pr.p.New(0, mpb.SpinnerStyle(),
			mpb.PrependDecorators(decor.Name(string(e), decor.WC{W: 14, C: decor.DindentRight})),
			mpb.AppendDecorators(decor.CurrentNoUnit("%d records"), decor.Name("  "), decor.Elapsed(decor.ET_STYLE_GO)))
		pr.bars[e] = bar
	}
	bar.IncrBy(n)
}

// Count is how many records of e were staged in this run.
func (pr *progress) Count(e schema.Entity) int {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.counts[e]
}

// Logf prints a line for humans above the bars (or plainly without a terminal).
func (pr *progress) Logf(format string, args ...any) {
	if pr.p != nil {
		fmt.Fprintf(pr.p, format+"\n", args...)
		return
	}
	fmt.Fprintf(pr.env.Stderr, format+"\n", args...)
}

// Done completes the bars and waits for their last frame.
func (pr *progress) Done() {
	if pr.p == nil {
		return
	}
	pr.mu.Lock()
	for _, b := range pr.bars {
		b.SetTotal(-1, true)
	}
	pr.mu.Unlock()
	pr.p.Wait()
}

// loadProgress draws one bar of the run's operations on a terminal; elsewhere it stays silent.
type loadProgress struct {
	p   *mpb.Progress
	bar *mpb.Bar
	mu  sync.Mutex
}

func newLoadProgress(env *Env) *loadProgress {
	lp := &loadProgress{}
	if env.Terminal {
		lp.p = mpb.New(mpb.WithOutput(env.Stderr), mpb.WithWidth(40))
	}
	return lp
}

func (lp *loadProgress) update(pr load.Progress) {
	if lp.p == nil {
		return
	}
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if lp.bar == nil {
		lp.bar = lp.p.New(int64(pr.Total), mpb.BarStyle(),
			mpb.PrependDecorators(decor.Name("operations", decor.WC{W: 12, C: decor.DindentRight}), decor.CountersNoUnit("%d / %d")),
			mpb.AppendDecorators(decor.Percentage(), decor.Name("  "), decor.Elapsed(decor.ET_STYLE_GO)))
	}
	lp.bar.SetCurrent(int64(pr.Done))
}

func (lp *loadProgress) done() {
	if lp.p == nil {
		return
	}
	if lp.bar != nil {
		lp.bar.Abort(false)
	}
	lp.p.Wait()
}
