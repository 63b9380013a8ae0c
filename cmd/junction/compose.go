package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/junction-gateway/junction/compose"
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/registry"
	"github.com/junction-gateway/junction/schema"
)

// junction compose / junction check: compose subgraphs described in rover's
// supergraph config format:
//
//	federation_version: =2.3.2
//	subgraphs:
//	  products:
//	    routing_url: http://127.0.0.1:4002/query
//	    schema:
//	      file: ./products.graphql        # relative to the config file
//	      # subgraph_url: http://127.0.0.1:4002/query   (asked for _service { sdl })
//	      # sdl: "type Query { ... }"

// RoverConfig is rover's supergraph.yaml.
type RoverConfig struct {
	FederationVersion string                   `yaml:"federation_version"`
	Subgraphs         map[string]RoverSubgraph `yaml:"subgraphs"`
	Extra             map[string]yaml.Node     `yaml:",inline"`
}

// RoverSubgraph is one subgraph of a RoverConfig.
type RoverSubgraph struct {
	RoutingURL string `yaml:"routing_url"`
	Schema     struct {
		File        string `yaml:"file"`
		SubgraphURL string `yaml:"subgraph_url"`
		SDL         string `yaml:"sdl"`
		GraphRef    string `yaml:"graphref"`
	} `yaml:"schema"`
}

// composeLimits bound what fetching subgraph SDLs may cost.
type composeLimits struct {
	timeout time.Duration // per subgraph_url request
	maxSDL  int64         // bytes of one SDL (file, URL answer or inline)
}

// loadRoverSubgraphs reads the config at path and parses every subgraph's
// SDL, in name order.
func loadRoverSubgraphs(ctx context.Context, path string, lim composeLimits, stderr io.Writer) ([]*schema.SubgraphSchema, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("cannot read config: %v", err)
	}
	var cfg RoverConfig
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, usageErr("config %s: %v", path, err)
	}
	if len(cfg.Subgraphs) == 0 {
		return nil, usageErr("config %s: no subgraphs (expected subgraphs: NAME: { routing_url, schema: { file | subgraph_url | sdl } })", path)
	}
	if v := strings.TrimLeft(cfg.FederationVersion, "= "); strings.HasPrefix(v, "1") {
		fmt.Fprintf(stderr, "junction: federation_version %s: composing with the Federation 2 rules (Fed 1 subgraphs are read as Fed 1 and upgraded, as Apollo's Federation 2 composition does)\n", cfg.FederationVersion)
	}
	names := make([]string, 0, len(cfg.Subgraphs))
	for n := range cfg.Subgraphs {
		names = append(names, n)
	}
	slices.Sort(names)
	base := filepath.Dir(path)
	var subs []*schema.SubgraphSchema
	var errs schema.CompositionErrors
	for _, name := range names {
		sc := cfg.Subgraphs[name]
		sdl, err := subgraphSDL(ctx, base, name, sc, lim)
		if err != nil {
			return nil, err
		}
		url := sc.RoutingURL
		if url == "" {
			url = sc.Schema.SubgraphURL
		}
		if url == "" {
			return nil, usageErr("config %s: subgraph %q has no routing_url", path, name)
		}
		s, err := schema.ParseSubgraph(name, url, sdl)
		if err != nil {
			var ce schema.CompositionErrors
			if errors.As(err, &ce) {
				errs = append(errs, ce...)
				continue
			}
			return nil, err
		}
		subs = append(subs, s)
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return subs, nil
}

// subgraphSDL reads one subgraph's SDL from its file, URL or inline text.
func subgraphSDL(ctx context.Context, base, name string, sc RoverSubgraph, lim composeLimits) (string, error) {
	set := 0
	for _, s := range []string{sc.Schema.File, sc.Schema.SubgraphURL, sc.Schema.SDL} {
		if s != "" {
			set++
		}
	}
	switch {
	case sc.Schema.GraphRef != "":
		return "", usageErr("subgraph %q: schema.graphref needs Apollo GraphOS; give schema.file, schema.subgraph_url or schema.sdl", name)
	case set != 1:
		return "", usageErr("subgraph %q: give exactly one of schema.file, schema.subgraph_url, schema.sdl", name)
	case sc.Schema.SDL != "":
		if int64(len(sc.Schema.SDL)) > lim.maxSDL {
			return "", fmt.Errorf("subgraph %q: inline sdl is over %d bytes (--max-sdl-bytes)", name, lim.maxSDL)
		}
		return sc.Schema.SDL, nil
	case sc.Schema.File != "":
		p := sc.Schema.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		f, err := os.Open(p)
		if err != nil {
			return "", usageErr("subgraph %q: cannot read schema file: %v", name, err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, lim.maxSDL+1))
		if err != nil {
			return "", fmt.Errorf("subgraph %q: read %s: %w", name, p, err)
		}
		if int64(len(b)) > lim.maxSDL {
			return "", fmt.Errorf("subgraph %q: %s is over %d bytes (--max-sdl-bytes)", name, p, lim.maxSDL)
		}
		return string(b), nil
	}
	return fetchServiceSDL(ctx, name, sc.Schema.SubgraphURL, lim)
}

// fetchServiceSDL asks a running subgraph for `_service { sdl }`.
func fetchServiceSDL(ctx context.Context, name, url string, lim composeLimits) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, lim.timeout)
	defer cancel()
	body := `{"query":"query SubgraphIntrospectQuery { _service { sdl } }","operationName":"SubgraphIntrospectQuery"}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return "", usageErr("subgraph %q: subgraph_url %q: %v", name, url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("subgraph %q: _service { sdl } from %s (timeout %s, --timeout): %w", name, url, lim.timeout, err)
	}
	defer resp.Body.Close()
	bound := lim.maxSDL*2 + 1024 // the SDL JSON-escaped, in its envelope
	raw, err := io.ReadAll(io.LimitReader(resp.Body, bound+1))
	if err != nil {
		return "", fmt.Errorf("subgraph %q: reading the answer of %s (timeout %s, --timeout): %w", name, url, lim.timeout, err)
	}
	if int64(len(raw)) > bound {
		return "", fmt.Errorf("subgraph %q: the answer of %s is over the SDL size bound %d bytes (--max-sdl-bytes)", name, url, lim.maxSDL)
	}
	var out struct {
		Data *struct {
			Service *struct {
				SDL *string `json:"sdl"`
			} `json:"_service"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("subgraph %q: %s answered HTTP %d, not GraphQL JSON: %w", name, url, resp.StatusCode, err)
	}
	if out.Data == nil || out.Data.Service == nil || out.Data.Service.SDL == nil {
		var msgs []string
		for _, e := range out.Errors {
			msgs = append(msgs, e.Message)
		}
		return "", fmt.Errorf("subgraph %q: %s has no _service { sdl } (HTTP %d): %s; is it a federation subgraph?", name, url, resp.StatusCode, strings.Join(msgs, "; "))
	}
	if int64(len(*out.Data.Service.SDL)) > lim.maxSDL {
		return "", fmt.Errorf("subgraph %q: the SDL of %s is over %d bytes (--max-sdl-bytes)", name, url, lim.maxSDL)
	}
	return *out.Data.Service.SDL, nil
}

// errCompositionFailed is returned (exit 1) after the errors are printed.
var errCompositionFailed = errors.New("composition failed")

// printCompositionErrors writes one error per line (and its subgraphs and
// coordinates) to w.
func printCompositionErrors(w io.Writer, err error) error {
	var ce schema.CompositionErrors
	if !errors.As(err, &ce) {
		return err
	}
	for _, e := range ce {
		where := ""
		if len(e.Coordinates) > 0 {
			where = " " + strings.Join(e.Coordinates, ", ")
		}
		if len(e.Subgraphs) > 0 {
			where += " [" + strings.Join(e.Subgraphs, ", ") + "]"
		}
		fmt.Fprintf(w, "error[%s]%s: %s\n", e.Code, where, e.Message)
	}
	return fmt.Errorf("%w: %d error(s)", errCompositionFailed, len(ce))
}

func composeFlags(name string, args []string) (*flag.FlagSet, *string, *composeLimits, func() error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg := fs.String("config", "", "rover-style supergraph config (federation_version, subgraphs: NAME: { routing_url, schema: { file | subgraph_url | sdl } })")
	lim := &composeLimits{}
	fs.DurationVar(&lim.timeout, "timeout", 10*time.Second, "timeout of each subgraph_url request for _service { sdl }")
	fs.Int64Var(&lim.maxSDL, "max-sdl-bytes", 8<<20, "largest subgraph SDL accepted (file, URL answer or inline)")
	return fs, cfg, lim, func() error {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if *cfg == "" {
			return usageErr("--config FILE is required")
		}
		if lim.timeout <= 0 || lim.maxSDL <= 0 {
			return usageErr("--timeout and --max-sdl-bytes must be positive")
		}
		return nil
	}
}

// runCompose: junction compose --config supergraph.yaml [--output FILE].
func runCompose(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg, lim, parse := composeFlags("compose", args)
	output := fs.String("output", "", "write the supergraph to FILE instead of stdout")
	if err := parse(); err != nil {
		return err
	}
	subs, err := loadRoverSubgraphs(ctx, *cfg, *lim, stderr)
	if err != nil {
		return printCompositionErrors(stderr, err)
	}
	sg, err := compose.Compose(subs)
	if err != nil {
		return printCompositionErrors(stderr, err)
	}
	sdl := schema.Print(sg)
	if *output == "" {
		_, err := io.WriteString(stdout, sdl)
		return err
	}
	return writeFileAtomic(*output, []byte(sdl))
}

// writeFileAtomic writes data next to path then renames it over path.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".junction-compose-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// runCheck: junction check --config supergraph.yaml [--against SUPERGRAPH].
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg, lim, parse := composeFlags("check", args)
	against := fs.String("against", "", "supergraph SDL the clients use today: report the changes that break them")
	usageCfg := fs.String("usage", "", "Junction config whose registry store holds the recorded operation usage: name the clients each breaking change hits (one no recorded operation uses is safe)")
	contractsCfg := fs.String("contracts", "", "Junction config whose contracts: are checked too: each must apply to the composed supergraph, and with --against each contract's changes are reported (may be the --usage file)")
	if err := parse(); err != nil {
		return err
	}
	var contracts []schema.Contract
	if *contractsCfg != "" {
		c, err := config.Load(*contractsCfg)
		if err != nil {
			return usageErr("--contracts: %v", err)
		}
		contracts = c.ContractList()
	}
	if *usageCfg != "" && *against == "" {
		return usageErr("--usage needs --against")
	}
	var old *schema.Supergraph
	if *against != "" {
		raw, err := os.ReadFile(*against)
		if err != nil {
			return usageErr("cannot read --against supergraph: %v", err)
		}
		old, err = schema.ParseSupergraph(string(raw))
		if err != nil {
			return fmt.Errorf("load --against supergraph %s: %w", *against, composeHint(err))
		}
	}
	subs, err := loadRoverSubgraphs(ctx, *cfg, *lim, stderr)
	if err != nil {
		return printCompositionErrors(stderr, err)
	}
	sg, err := compose.Compose(subs)
	if err != nil {
		return printCompositionErrors(stderr, err)
	}
	fmt.Fprintf(stdout, "composition: ok (%d subgraphs)\n", len(sg.Subgraphs))
	if sg, err = schema.ApplyContracts(sg, contracts); err != nil {
		return fmt.Errorf("contracts of %s: %w", *contractsCfg, err)
	}
	if len(contracts) > 0 {
		fmt.Fprintf(stdout, "contracts: ok (%d)\n", len(contracts))
	}
	if old == nil {
		return nil
	}
	old = againstContracts(old, contracts, stderr)
	var usage []registry.OperationUsage
	if *usageCfg != "" {
		if usage, err = loadUsage(ctx, *usageCfg); err != nil {
			return err
		}
		if usage == nil {
			usage = []registry.OperationUsage{}
		}
	}
	if failing := printChanges(stdout, *against, registry.DiffContracts(registry.SchemaComposer{}.Diff, old, sg), usage); failing > 0 {
		return fmt.Errorf("%d breaking change(s) for clients of %s", failing, *against)
	}
	return nil
}

// composeHint adds, to the error of loading a subgraph SDL as a
// supergraph, how to compose it.
func composeHint(err error) error {
	if errors.Is(err, schema.ErrSubgraphSDL) {
		return fmt.Errorf("%w; compose the subgraphs into a supergraph first: junction compose --config supergraph.yaml --output supergraph.graphql", err)
	}
	return err
}

// roverComposer composes the subgraphs of the rover config at path (serve
// --subgraphs): read and parse every subgraph (files, URLs, inline SDL),
// compose with the satisfiability check, and return the supergraph with
// its SDL.
func roverComposer(ctx context.Context, path string) func() (*schema.Supergraph, []byte, error) {
	return func() (*schema.Supergraph, []byte, error) {
		subs, err := loadRoverSubgraphs(ctx, path, composeLimits{timeout: 10 * time.Second, maxSDL: 8 << 20}, io.Discard)
		if err != nil {
			return nil, nil, err
		}
		sg, err := compose.Compose(subs)
		if err != nil {
			return nil, nil, err
		}
		return sg, []byte(schema.Print(sg)), nil
	}
}
