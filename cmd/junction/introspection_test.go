package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/gateway"
	"github.com/junction-gateway/junction/schema"
	"github.com/junction-gateway/junction/subgraphs"
)

// TestIntrospectionConfigWired: the introspection key reaches the gateway
// that serve and dev build through gatewayOptions.
func TestIntrospectionConfigWired(t *testing.T) {
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		yaml    string
		refused bool
	}{{"listen: 127.0.0.1:0\n", false}, {"introspection: true\n", false}, {"introspection: false\n", true}} {
		cfg, err := config.Parse([]byte(tc.yaml))
		if err != nil {
			t.Fatal(err)
		}
		gw, err := gateway.New(sg, gatewayOptions(cfg, log)...)
		if err != nil {
			t.Fatal(err)
		}
		r := gw.Serve(ctx, &gateway.Request{Query: `{ __schema { queryType { name } } }`})
		refused := len(r.Errors) == 1 && r.Errors[0].Extensions["code"] == gateway.IntrospectionDisabledCode && r.Data == nil
		if refused != tc.refused {
			t.Errorf("%q: refused %v, want %v (data %s, errors %v)", tc.yaml, refused, tc.refused, r.Data, r.Errors)
		}
		if !tc.refused && string(r.Data) != `{"__schema":{"queryType":{"name":"Query"}}}` {
			t.Errorf("%q: data %s", tc.yaml, r.Data)
		}
	}
}
