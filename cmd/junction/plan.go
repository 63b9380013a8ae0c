package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/junction-gateway/junction/planner"
	"github.com/junction-gateway/junction/schema"
	"github.com/vektah/gqlparser/v2"
)

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	sgPath := fs.String("supergraph", "", "supergraph SDL file")
	queryPath := fs.String("query", "", "file holding the GraphQL operation")
	opName := fs.String("operation", "", "operation name, when the document has several")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *sgPath == "" || *queryPath == "" {
		return usageErr("--supergraph FILE and --query FILE are required")
	}
	sdl, err := os.ReadFile(*sgPath)
	if err != nil {
		return usageErr("cannot read supergraph: %v", err)
	}
	query, err := os.ReadFile(*queryPath)
	if err != nil {
		return usageErr("cannot read query: %v", err)
	}
	sg, err := schema.ParseSupergraph(string(sdl))
	if err != nil {
		return fmt.Errorf("load supergraph: %w", err)
	}
	doc, errs := gqlparser.LoadQuery(sg.API, string(query))
	if len(errs) > 0 {
		return fmt.Errorf("invalid query: %w", gqlerror.List(errs))
	}
	p, err := planner.New(sg).Plan(doc, *opName)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, planner.Print(p))
	return err
}
