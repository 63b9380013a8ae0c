package registry

import (
	"context"
	"errors"
	"time"
)

// Subgraph is one registered subgraph.
type Subgraph struct {
	Name         string    `json:"name"`
	URL          string    `json:"url"`
	SDL          string    `json:"sdl"`
	RegisteredAt time.Time `json:"registeredAt"`
}

// CompositionError is one reason a candidate set of subgraphs does not
// compose (Apollo's error codes).
type CompositionError struct {
	Code        string   `json:"code"`
	Message     string   `json:"message"`
	Coordinates []string `json:"coordinates,omitempty"`
	Subgraphs   []string `json:"subgraphs,omitempty"`
}

// Change is one difference between two supergraphs' API schemas.
type Change struct {
	Kind       string `json:"kind"`
	Coordinate string `json:"coordinate"`
	Message    string `json:"message"`
	Breaking   bool   `json:"breaking"`
	// Contract names the contract whose API schema changed (empty for
	// the full API schema).
	Contract string `json:"contract,omitempty"`
}

// Contract is a contract managed through the registry (setContract):
// a variant of the API schema filtered by @tag (schema.ContractFilter).
type Contract struct {
	Name    string   `json:"name"`
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
}

// Snapshot is one version of the registry: the subgraphs and the
// supergraph composed from them. Seq 0 is the empty registry.
type Snapshot struct {
	Seq int64 `json:"seq"`
	// Version is the served supergraph's version (the hash of its SDL);
	// empty for the empty registry.
	Version    string     `json:"version"`
	Subgraphs  []Subgraph `json:"subgraphs"`
	Supergraph string     `json:"supergraph"`
	ComposedAt time.Time  `json:"composedAt"`
	// Contracts set through the registry, ascending by name (the
	// configured ones are not stored).
	Contracts []Contract `json:"contracts,omitempty"`
}

// Subgraph returns the registered subgraph named name, or nil.
func (s *Snapshot) Subgraph(name string) *Subgraph {
	for i := range s.Subgraphs {
		if s.Subgraphs[i].Name == name {
			return &s.Subgraphs[i]
		}
	}
	return nil
}

// HistoryEntry records one committed change.
type HistoryEntry struct {
	Seq        int64     `json:"seq"`
	Version    string    `json:"version"`
	ComposedAt time.Time `json:"composedAt"`
	// Action is "register", "remove", "setContract" or "removeContract".
	Action   string   `json:"action"`
	Subgraph string   `json:"subgraph"`
	Changes  []Change `json:"changes"`
}

// ErrConflict is returned by Store.Commit when the stored sequence number
// is no longer the one the new snapshot was built from.
var ErrConflict = errors.New("registry: concurrent change")

// Store keeps snapshots, history and usage durably.
type Store interface {
	// Load returns the current snapshot (Seq 0 and no subgraphs when
	// nothing was ever committed).
	Load(ctx context.Context) (*Snapshot, error)
	// Seq returns the current sequence number cheaply.
	Seq(ctx context.Context) (int64, error)
	// Commit stores next (next.Seq == prev+1) and its history entry,
	// atomically and only if the stored sequence number is still prev;
	// otherwise it returns ErrConflict and changes nothing.
	Commit(ctx context.Context, prev int64, next *Snapshot, h HistoryEntry) error
	// History returns up to limit entries, newest first.
	History(ctx context.Context, limit int) ([]HistoryEntry, error)
	// Changed delivers a value when another process may have committed
	// (nil when the store has no notifications). The registry also polls
	// Seq, so a missed notification is caught up.
	Changed(ctx context.Context) <-chan struct{}
	// AddUsage merges usage counted since the last flush.
	AddUsage(ctx context.Context, batch []OperationUsage) error
	// Usage returns the stored usage.
	Usage(ctx context.Context) ([]OperationUsage, error)
	Close() error
}
