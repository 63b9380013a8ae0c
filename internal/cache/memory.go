package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Memory is a Store in this process, bounded in entries and bytes (least
// recently used dropped first); expired entries are dropped when met.
type Memory struct {
	mu         sync.Mutex
	now        func() time.Time
	maxEntries int
	maxBytes   int64
	bytes      int64
	lru        *list.List // of *memEntry, most recent first
	byKey      map[string]*list.Element
	tags       map[string]map[string]struct{}
}

type memEntry struct {
	key     string
	value   []byte
	expires time.Time
	tags    []string
}

// NewMemory returns a store of at most maxEntries entries and maxBytes
// bytes of keys and values.
func NewMemory(maxEntries int, maxBytes int64) *Memory {
	return &Memory{now: time.Now, maxEntries: maxEntries, maxBytes: maxBytes, lru: list.New(),
		byKey: map[string]*list.Element{}, tags: map[string]map[string]struct{}{}}
}

func (m *Memory) size(e *memEntry) int64 { return int64(len(e.key) + len(e.value) + 64) }

// Get implements Store.
func (m *Memory) Get(_ context.Context, keys []string) ([][]byte, error) {
	out := make([][]byte, len(keys))
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, k := range keys {
		el, ok := m.byKey[k]
		if !ok {
			continue
		}
		e := el.Value.(*memEntry)
		if !now.Before(e.expires) {
			m.remove(el)
			continue
		}
		m.lru.MoveToFront(el)
		out[i] = e.value
	}
	return out, nil
}

// Set implements Store.
func (m *Memory) Set(_ context.Context, entries []Entry) error {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, en := range entries {
		if en.TTL <= 0 {
			continue
		}
		if el, ok := m.byKey[en.Key]; ok {
			m.remove(el)
		}
		e := &memEntry{key: en.Key, value: en.Value, expires: now.Add(en.TTL), tags: en.Tags}
		if m.size(e) > m.maxBytes {
			continue
		}
		m.byKey[en.Key] = m.lru.PushFront(e)
		m.bytes += m.size(e)
		for _, t := range en.Tags {
			set := m.tags[t]
			if set == nil {
				set = map[string]struct{}{}
				m.tags[t] = set
			}
			set[en.Key] = struct{}{}
		}
		for m.lru.Len() > m.maxEntries || m.bytes > m.maxBytes {
			m.remove(m.lru.Back())
		}
	}
	return nil
}

func (m *Memory) remove(el *list.Element) {
	e := m.lru.Remove(el).(*memEntry)
	delete(m.byKey, e.key)
	m.bytes -= m.size(e)
	for _, t := range e.tags {
		if set := m.tags[t]; set != nil {
			delete(set, e.key)
			if len(set) == 0 {
				delete(m.tags, t)
			}
		}
	}
}

// PurgeTags implements Store.
func (m *Memory) PurgeTags(_ context.Context, tags []string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, t := range tags {
		for k := range m.tags[t] {
			if el, ok := m.byKey[k]; ok {
				m.remove(el)
				n++
			}
		}
	}
	return n, nil
}

// PurgeAll implements Store.
func (m *Memory) PurgeAll(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.lru.Len()
	m.lru.Init()
	m.bytes = 0
	clear(m.byKey)
	clear(m.tags)
	return n, nil
}

// Len is the number of entries kept (expired ones included until met).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len()
}
