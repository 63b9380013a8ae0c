// Command junction is the Junction federation gateway.
//
//	junction serve --supergraph FILE [--config FILE] [--listen HOST:PORT]
//	junction dev   [--listen HOST:PORT]
//	junction plan  --supergraph FILE --query FILE [--operation NAME]
//	junction compose --config supergraph.yaml [--output FILE]
//	junction check   --config supergraph.yaml [--against SUPERGRAPH]
//	junction config schema | validate FILE
//
// Unknown flags and unreadable files exit with status 2 and a one-line error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks errors that exit with status 2.
var errUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve a supergraph over HTTP", runServe},
		{"dev", "run the demo subgraphs, the gateway and the playground in one process", runDev},
		{"plan", "print the query plan of an operation", runPlan},
		{"compose", "compose subgraphs (rover's supergraph.yaml) into a supergraph", runCompose},
		{"check", "check that subgraphs compose and, with --against, what breaks clients", runCheck},
		{"config", "print the config file's JSON Schema (schema), or check a file (validate FILE)", runConfig},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "junction %s: %v\n", c.name, unwrapUsage(err))
			return 2
		default:
			fmt.Fprintf(stderr, "junction %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "junction: unknown command %q (try: junction help)\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: junction <command> [flags]")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
}

type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() []error {
	return []error{u.err, errUsage}
}

func usageErr(format string, a ...any) error {
	return usageError{fmt.Errorf(format, a...)}
}

func unwrapUsage(err error) error {
	var u usageError
	if errors.As(err, &u) {
		return u.err
	}
	return err
}

// parseFlags parses args with fs silenced, turning any problem into a
// one-line usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
