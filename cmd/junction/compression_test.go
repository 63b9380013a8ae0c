package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/internal/server"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestCompressionConfigWired: compression: compresses the answers of the
// server serve and dev build, traffic.compression reaches the subgraph
// client (what it asks a subgraph for is seen by a proxy in front of the
// demo's accounts).
func TestCompressionConfigWired(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(demo.URLs["accounts"])
	asked := make(chan string, 8)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.Header.Get("Accept-Encoding")
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		yaml             string
		wantEnc, wantAsk string
	}{
		{"subgraphs: {accounts: {url: URL}}\n", "", "gzip"},
		{"compression: {enabled: true, min_bytes: 1}\ntraffic: {compression: {accept: [zstd]}}\nsubgraphs: {accounts: {url: URL}}\n", "gzip", "zstd"},
		{"compression: {enabled: true, algorithms: [gzip], min_bytes: 1}\nsubgraphs: {accounts: {url: URL, compression: {accept: [gzip, zstd]}}}\n", "gzip", "gzip, zstd"},
	} {
		cfg, err := config.Parse([]byte(strings.ReplaceAll(tc.yaml, "URL", front.URL)))
		if err != nil {
			t.Fatal(err)
		}
		gw, err := gateway.New(sg, gatewayOptions(cfg, log)...)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.New(gw, newRuntime(cfg, gw, log, gw.Ready).serverOptions()...))
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{ me { name } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = resp.Body
		if enc := resp.Header.Get("Content-Encoding"); enc != tc.wantEnc {
			t.Errorf("%q: Content-Encoding %q, want %q", tc.yaml, enc, tc.wantEnc)
		} else if enc == "gzip" {
			if body, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		}
		b, _ := io.ReadAll(body)
		resp.Body.Close()
		srv.Close()
		if !strings.Contains(string(b), `"me":{"name":`) {
			t.Errorf("%q: body %s", tc.yaml, b)
		}
		if a := <-asked; a != tc.wantAsk {
			t.Errorf("%q: the subgraph was asked for Accept-Encoding %q, want %q", tc.yaml, a, tc.wantAsk)
		}
	}
}

// TestResponseHeadersConfigWired: headers.response and
// subgraphs.NAME.headers.response reach the gateway; a header that has its
// own switch is refused by name.
func TestResponseHeadersConfigWired(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(demo.URLs["accounts"])
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		r.Header.Set("X-Served-By", "accounts")
		r.Header.Set("Set-Cookie", "session=1")
		r.Header.Set("Cache-Control", "max-age=60, public")
		return nil
	}
	front := httptest.NewServer(proxy)
	defer front.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct{ yaml, served, cookie, cache string }{
		{"subgraphs: {accounts: {url: URL}}", "", "", ""},
		{"headers: {response: {propagate: [x-served-by], cache_control: true}}\nsubgraphs: {accounts: {url: URL}}", "accounts", "", "max-age=60, public"},
		{"subgraphs: {accounts: {url: URL, headers: {response: {set_cookie: true}}}}", "", "session=1", ""},
	} {
		cfg, err := config.Parse([]byte(strings.ReplaceAll(tc.yaml, "URL", front.URL)))
		if err != nil {
			t.Fatal(err)
		}
		gw, err := gateway.New(sg, gatewayOptions(cfg, log)...)
		if err != nil {
			t.Fatal(err)
		}
		r := gw.Serve(ctx, &gateway.Request{Query: `{ me { name } }`})
		if r.Header.Get("X-Served-By") != tc.served || r.Header.Get("Set-Cookie") != tc.cookie || r.Header.Get("Cache-Control") != tc.cache {
			t.Errorf("%q: headers %v", tc.yaml, r.Header)
		}
	}
	_, err = config.Parse([]byte("headers: {response: {propagate: [set-cookie, content-length]}}"))
	if err == nil || !strings.Contains(err.Error(), "headers.response.propagate[0]: Set-Cookie has its own switch (set_cookie: true)") ||
		!strings.Contains(err.Error(), "headers.response.propagate[1]: Content-Length is the gateway's own") {
		t.Fatalf("err = %v", err)
	}
}

// TestConnectionConfigWired: subgraphs.NAME.connection.h2c reaches the
// subgraph client (a proxy in front of accounts that speaks h2c sees
// HTTP/2).
func TestConnectionConfigWired(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	demo, err := subgraphs.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	sg, err := schema.ParseSupergraph(subgraphs.Supergraph(demo.URLs))
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(demo.URLs["accounts"])
	proxy := httputil.NewSingleHostReverseProxy(target)
	protos := make(chan string, 8)
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		protos <- r.Proto
		proxy.ServeHTTP(w, r)
	}))
	front.Config.Protocols = new(http.Protocols)
	front.Config.Protocols.SetHTTP1(true)
	front.Config.Protocols.SetUnencryptedHTTP2(true)
	front.Start()
	defer front.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct{ yaml, want string }{
		{"subgraphs: {accounts: {url: URL}}", "HTTP/1.1"},
		{"subgraphs: {accounts: {url: URL, connection: {h2c: true, max_connections_per_host: 4}}}", "HTTP/2.0"},
		{"traffic: {connection: {h2c: true, dial_timeout: 2s}}\nsubgraphs: {accounts: {url: URL}}", "HTTP/2.0"},
	} {
		cfg, err := config.Parse([]byte(strings.ReplaceAll(tc.yaml, "URL", front.URL)))
		if err != nil {
			t.Fatal(err)
		}
		gw, err := gateway.New(sg, gatewayOptions(cfg, log)...)
		if err != nil {
			t.Fatal(err)
		}
		if r := gw.Serve(ctx, &gateway.Request{Query: `{ me { name } }`}); len(r.Errors) > 0 {
			t.Fatalf("%q: %v", tc.yaml, r.Errors)
		}
		if got := <-protos; got != tc.want {
			t.Errorf("%q: the subgraph was spoken to in %s, want %s", tc.yaml, got, tc.want)
		}
	}
}
