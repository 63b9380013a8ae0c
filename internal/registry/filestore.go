package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultHistoryLimit is how many history entries a store keeps.
const DefaultHistoryLimit = 1000

// FileStore keeps the registry in a directory:
//
//	current.json           the current snapshot
//	history/<seq>.json     one entry per committed change (the newest kept)
//	usage.json             the operation usage
//	.lock                  flock(2) held while writing
//
// Every file is written atomically: to a temporary file in the same
// directory, fsynced, renamed over the old one, and the directory fsynced.
// A crash at any point leaves either the old or the new file, never a torn
// one. A change writes its history entry first and current.json last, so
// the snapshot is the commit point; History ignores entries past it.
type FileStore struct {
	dir      string
	keep     int
	usageMax int
	usageWin time.Duration
	mu       sync.Mutex
}

// OpenFileStore opens (creating) a file store in dir.
func OpenFileStore(dir string) (*FileStore, error) {
	if dir == "" {
		return nil, errors.New("registry: file store: no directory (registry.dir)")
	}
	if err := os.MkdirAll(filepath.Join(dir, "history"), 0o750); err != nil {
		return nil, fmt.Errorf("registry: file store: %w", err)
	}
	return &FileStore{dir: dir, keep: DefaultHistoryLimit, usageMax: DefaultMaxUsageEntries, usageWin: DefaultUsageWindow}, nil
}

// Dir is the store's directory.
func (s *FileStore) Dir() string { return s.dir }

// lock takes the in-process mutex and the directory's flock.
func (s *FileStore) lock() (func(), error) {
	s.mu.Lock()
	f, err := os.OpenFile(filepath.Join(s.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		s.mu.Unlock()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
		s.mu.Unlock()
	}, nil
}

// Load implements Store.
func (s *FileStore) Load(ctx context.Context) (*Snapshot, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "current.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return &Snapshot{}, nil
	}
	if err != nil {
		return nil, err
	}
	var snap Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return nil, fmt.Errorf("registry: %s: %w", filepath.Join(s.dir, "current.json"), err)
	}
	return &snap, nil
}

// Seq implements Store.
func (s *FileStore) Seq(ctx context.Context) (int64, error) {
	snap, err := s.Load(ctx)
	if err != nil {
		return 0, err
	}
	return snap.Seq, nil
}

// Commit implements Store.
func (s *FileStore) Commit(ctx context.Context, prev int64, next *Snapshot, h HistoryEntry) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.Load(ctx)
	if err != nil {
		return err
	}
	if cur.Seq != prev {
		return ErrConflict
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(s.dir, "history"), historyName(h.Seq), hb); err != nil {
		return err
	}
	sb, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(s.dir, "current.json", sb); err != nil {
		return err
	}
	s.prune(next.Seq)
	return nil
}

func historyName(seq int64) string { return fmt.Sprintf("%012d.json", seq) }

// prune removes history entries older than the kept number.
func (s *FileStore) prune(seq int64) {
	for old := seq - int64(s.keep); old > 0; old-- {
		p := filepath.Join(s.dir, "history", historyName(old))
		if err := os.Remove(p); err != nil {
			return // already pruned before this one
		}
	}
}

// History implements Store.
func (s *FileStore) History(ctx context.Context, limit int) ([]HistoryEntry, error) {
	cur, err := s.Load(ctx)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(filepath.Join(s.dir, "history"))
	if err != nil {
		return nil, err
	}
	var seqs []int64
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		seq, err := strconv.ParseInt(n, 10, 64)
		if err != nil || seq > cur.Seq {
			continue // a temporary file, or written by a change that never committed
		}
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	slices.Reverse(seqs)
	if limit > 0 && len(seqs) > limit {
		seqs = seqs[:limit]
	}
	out := make([]HistoryEntry, 0, len(seqs))
	for _, seq := range seqs {
		b, err := os.ReadFile(filepath.Join(s.dir, "history", historyName(seq)))
		if err != nil {
			return nil, err
		}
		var h HistoryEntry
		if err := json.Unmarshal(b, &h); err != nil {
			return nil, fmt.Errorf("registry: history %d: %w", seq, err)
		}
		out = append(out, h)
	}
	return out, nil
}

// Changed implements Store: a file store has no notifications.
func (s *FileStore) Changed(ctx context.Context) <-chan struct{} { return nil }

// AddUsage implements Store.
func (s *FileStore) AddUsage(ctx context.Context, batch []OperationUsage) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	stored, err := s.Usage(ctx)
	if err != nil {
		return err
	}
	merged := mergeUsage(stored, batch, time.Now(), s.usageWin, s.usageMax)
	b, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	return writeAtomic(s.dir, "usage.json", b)
}

// Usage implements Store.
func (s *FileStore) Usage(ctx context.Context) ([]OperationUsage, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "usage.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []OperationUsage
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("registry: usage.json: %w", err)
	}
	return out, nil
}

// Close implements Store.
func (s *FileStore) Close() error { return nil }

// writeAtomic replaces dir/name with b: write a temporary file, fsync it,
// rename it over name, fsync the directory.
func writeAtomic(dir, name string, b []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
