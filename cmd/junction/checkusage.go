package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/registry"
	"github.com/junction-gateway/junction/schema"
)

// loadUsage reads the operation usage recorded by the registry that the
// Junction config at path names (registry.store: file or redis), within
// registry.usage_window.
func loadUsage(ctx context.Context, path string) ([]registry.OperationUsage, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, usageErr("--usage: %v", err)
	}
	rs, err := openRegistry(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("--usage: open the registry store: %w", err)
	}
	defer rs.store.Close()
	defer rs.close()
	us, err := rs.usage.Recent(ctx, time.Now())
	if err != nil {
		return nil, fmt.Errorf("--usage: read the recorded usage: %w", err)
	}
	return us, nil
}

// printChanges writes each change, and with usage (non-nil) the recorded
// client operations each breaking change hits. It returns how many
// changes fail the check: the breaking ones, or with usage the breaking
// ones that hit a recorded operation (the others are safe).
func printChanges(w io.Writer, against string, changes []registry.Change, usage []registry.OperationUsage) int {
	var b strings.Builder
	breaking, failing := 0, 0
	for _, c := range changes {
		mark := "safe    "
		var hit []registry.OperationUsage
		if c.Breaking {
			breaking++
			for _, u := range usage {
				if registry.Hits(c, u) {
					hit = append(hit, u)
				}
			}
			if usage == nil || len(hit) > 0 {
				mark = "BREAKING"
				failing++
			} else {
				mark = "unused  "
			}
		}
		in := ""
		if c.Contract != "" {
			in = "[contract " + c.Contract + "] "
		}
		fmt.Fprintf(&b, "  %s %s%s %s: %s\n", mark, in, c.Kind, c.Coordinate, c.Message)
		for _, u := range hit {
			name := u.Operation
			if name == "" {
				name = "(anonymous " + u.Hash + ")"
			}
			client := u.Client
			if client == "" {
				client = "(no client name)"
			}
			fmt.Fprintf(&b, "           used by %s %s: %s, %d time(s), last %s\n", client, u.ClientVersion, name, u.Count, u.LastSeen.Format(time.RFC3339))
		}
	}
	fmt.Fprintf(w, "changes against %s: %d (%d breaking", against, len(changes), breaking)
	if usage != nil {
		fmt.Fprintf(w, ", %d used by the %d recorded operation(s)", failing, len(usage))
	}
	fmt.Fprintf(w, ")\n%s", b.String())
	return failing
}

// againstContracts applies the checked contracts to the --against
// supergraph, whose file carries none, so that each contract's changes are
// its own. A contract that does not apply to the old supergraph (empty
// there) is left out of it: the check reports it as added.
func againstContracts(old *schema.Supergraph, contracts []schema.Contract, stderr io.Writer) *schema.Supergraph {
	if withContracts, err := schema.ApplyContracts(old, contracts); err == nil {
		return withContracts
	}
	kept := make([]schema.Contract, 0, len(contracts))
	for _, c := range contracts {
		if _, err := old.ContractVariant(c); err != nil {
			fmt.Fprintf(stderr, "contract %s does not apply to the --against supergraph (%v): reported as added\n", c.Name, err)
			continue
		}
		kept = append(kept, c)
	}
	withContracts, err := schema.ApplyContracts(old, kept)
	if err != nil { // each kept contract applies alone
		return old
	}
	return withContracts
}
