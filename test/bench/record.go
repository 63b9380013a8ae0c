package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
)

type capturedRequest struct {
	url  string
	body []byte
}

// recorder is a set of reverse proxies, one per subgraph, that remember
// every request body they forward.
type recorder struct {
	mu   sync.Mutex
	reqs []capturedRequest
}

func (r *recorder) start(urls map[string]string) (map[string]string, func()) {
	names := make([]string, 0, len(urls))
	for n := range urls {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]string{}
	var servers []*httptest.Server
	for _, n := range names {
		target := urls[n]
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			r.mu.Lock()
			r.reqs = append(r.reqs, capturedRequest{url: target, body: body})
			r.mu.Unlock()
			resp, err := http.Post(target, "application/json", bytes.NewReader(body))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
		}))
		servers = append(servers, srv)
		out[n] = srv.URL
	}
	return out, func() {
		for _, s := range servers {
			s.Close()
		}
	}
}

func (r *recorder) requests() []capturedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]capturedRequest(nil), r.reqs...)
}
