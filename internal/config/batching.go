package config

import "fmt"

// Batching accepts batched operations: a POST body that is a JSON array of
// requests (Apollo's query batching), answered as a JSON array in order.
type Batching struct {
	// Enabled accepts batches (default false: a batch is refused with 422).
	Enabled bool `yaml:"enabled"`
	// MaxSize caps the operations of one batch (default 10); a larger
	// batch is refused whole with BATCH_LIMIT_EXCEEDED.
	MaxSize int `yaml:"max_size"`
}

func (b *Batching) validate(probs []string) []string {
	if b.MaxSize < 0 {
		probs = append(probs, fmt.Sprintf("batching.max_size: %d: want 0 (the default, 10) or more", b.MaxSize))
	}
	return probs
}
