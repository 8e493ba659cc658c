package load

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
)

// Topics of the load's message router. Batch commands are spread over partitions, one handler
// each, so several batches are in progress at once and the request pipe stays full across batch
// boundaries; outcome events go to the ledger handler; batches that still fail after the retry
// middleware land in the poison topic, whose handler fails their ops with the reason.
const (
	topicBatches  = "load.batches.%d"
	topicOutcomes = "load.outcomes"
	topicPoison   = "load.poison"
)

// batchMessage is a batch command; outcomeMessage the events it produced.
type batchMessage struct {
	Ops []plannedOp `json:"ops"`
}

type outcomeMessage struct {
	Batch  string  `json:"batch"`
	Events []Event `json:"events"`
}

// bus is the Watermill router of one run, with the bookkeeping of the batches in progress.
type bus struct {
	r        *runner
	router   *message.Router
	commands *gochannel.GoChannel // publishing a batch does not wait
	outcomes *gochannel.GoChannel // publishing outcomes waits until the ledger has them
	slots    chan struct{}        // batches in progress, bounding memory
	runDone  chan struct{}

	mu      sync.Mutex
	pending map[string][]plannedOp
	wg      sync.WaitGroup
	fatal   error
}

func startBus(ctx context.Context, r *runner) (*bus, error) {
	logger := watermill.NewSlogLogger(r.opts.Logger)
	b := &bus{r: r, pending: map[string][]plannedOp{}, runDone: make(chan struct{}),
		slots:    make(chan struct{}, 2*r.opts.Partitions),
		commands: gochannel.NewGoChannel(gochannel.Config{PreserveContext: true}, logger),
		outcomes: gochannel.NewGoChannel(gochannel.Config{PreserveContext: true, BlockPublishUntilSubscriberAck: true}, logger),
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: time.Minute}, logger)
	if err != nil {
		return nil, fmt.Errorf("load router: %w", err)
	}
	poison, err := middleware.PoisonQueue(b.outcomes, topicPoison)
	if err != nil {
		return nil, fmt.Errorf("load router: %w", err)
	}
	router.AddMiddleware(middleware.CorrelationID, poison,
		middleware.Retry{MaxRetries: 3, InitialInterval: 200 * time.Millisecond, Logger: logger}.Middleware,
		middleware.Recoverer)
	for p := range r.opts.Partitions {
		router.AddHandler(fmt.Sprintf("batches-%d", p), fmt.Sprintf(topicBatches, p), b.commands,
			topicOutcomes, b.outcomes, b.handleBatch)
	}
	router.AddConsumerHandler("ledger", topicOutcomes, b.outcomes, b.handleOutcomes)
	router.AddConsumerHandler("poison", topicPoison, b.outcomes, b.handlePoison)
	b.router = router
	go func() {
		defer close(b.runDone)
		if err := router.Run(context.WithoutCancel(ctx)); err != nil {
			b.fail(err)
		}
	}()
	<-router.Running()
	return b, nil
}

// dispatchStage publishes every batch of a stage and waits until all are settled.
func (b *bus) dispatchStage(ctx context.Context, stage int) error {
	err := streamStage(ctx, b.r.db, stage, b.r.opts.Selection, func(ops []plannedOp) error {
		select {
		case b.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := b.err(); err != nil {
			<-b.slots
			return err
		}
		return b.publish(ctx, ops)
	}, b.r.trimMemory)
	b.wg.Wait()
	if ctx.Err() != nil {
		return nil // interrupted: the caller reports it
	}
	if err != nil {
		return err
	}
	return b.err()
}

func (b *bus) publish(ctx context.Context, ops []plannedOp) error {
	payload, err := json.Marshal(batchMessage{Ops: ops})
	if err != nil {
		<-b.slots
		return fmt.Errorf("batch %s: %w", ops[0].Batch, err)
	}
	msg := message.NewMessage(ops[0].Batch, payload)
	msg.SetContext(ctx)
	middleware.SetCorrelationID(b.r.ledger.RunID()+"/"+ops[0].Batch, msg)
	b.mu.Lock()
	b.pending[ops[0].Batch] = ops
	b.mu.Unlock()
	b.wg.Add(1)
	if err := b.commands.Publish(fmt.Sprintf(topicBatches, partition(ops[0].Batch, b.r.opts.Partitions)), msg); err != nil {
		b.settle(ops[0].Batch, nil)
		return fmt.Errorf("batch %s: %w", ops[0].Batch, err)
	}
	return nil
}

// partition spreads batches over the handlers deterministically.
func partition(batch string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(batch))
	return int(h.Sum32() % uint32(n))
}

// handleBatch executes one batch and emits its outcomes; the router acknowledges the command
// only once the ledger handler has acknowledged the outcomes.
func (b *bus) handleBatch(msg *message.Message) ([]*message.Message, error) {
	var in batchMessage
	if err := json.Unmarshal(msg.Payload, &in); err != nil {
		return nil, fmt.Errorf("batch %s: %w", msg.UUID, err)
	}
	events, err := b.r.executeBatch(msg.Context(), in.Ops)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(outcomeMessage{Batch: msg.UUID, Events: events})
	if err != nil {
		return nil, err
	}
	out := message.NewMessage(watermill.NewUUID(), payload)
	out.SetContext(context.WithoutCancel(msg.Context()))
	return []*message.Message{out}, nil
}

// handleOutcomes appends a batch's outcomes to the ledger: only then is the batch done.
func (b *bus) handleOutcomes(msg *message.Message) error {
	var in outcomeMessage
	if err := json.Unmarshal(msg.Payload, &in); err != nil {
		b.fail(fmt.Errorf("outcome message: %w", err))
		return nil
	}
	if err := b.r.ledger.Append(msg.Context(), in.Events); err != nil {
		// The ledger cannot be written: nothing can count as done, so the run stops.
		b.fail(err)
	}
	b.settle(in.Batch, in.Events)
	return nil
}

// handlePoison fails the ops of a batch that could not be executed at all, with the reason, so
// nothing selected is left without an outcome or a way to replay it.
func (b *bus) handlePoison(msg *message.Message) error {
	reason := msg.Metadata.Get(middleware.ReasonForPoisonedKey)
	b.mu.Lock()
	ops := b.pending[msg.UUID]
	b.mu.Unlock()
	if ops == nil {
		return nil
	}
	var events []Event
	if msg.Context().Err() == nil {
		for _, op := range ops {
			e := eventFor(op.Op, EventFailed)
			e.Code, e.Message, e.Retryable = "batch_failed", reason, true
			events = append(events, e)
		}
		if err := b.r.ledger.Append(msg.Context(), events); err != nil {
			b.fail(err)
		}
	}
	b.settle(msg.UUID, events)
	return nil
}

// settle marks a batch done once.
func (b *bus) settle(batch string, events []Event) {
	b.mu.Lock()
	ops, ok := b.pending[batch]
	delete(b.pending, batch)
	b.mu.Unlock()
	if !ok {
		return
	}
	b.r.finished(ops, events)
	<-b.slots
	b.wg.Done()
}

func (b *bus) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fatal == nil {
		b.fatal = err
	}
}

func (b *bus) err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fatal
}

func (b *bus) close() {
	_ = b.router.Close()
	<-b.runDone
	_ = b.commands.Close()
	_ = b.outcomes.Close()
}
