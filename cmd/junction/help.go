package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// examples holds each command's example lines for its --help. A command
// without one gets none.
var examples = map[string][]string{
	"serve": {
		"junction serve --supergraph supergraph.graphql --listen 127.0.0.1:4000",
		"junction serve --config junction.example.yaml --hot-reload",
		"JUNCTION_SUPERGRAPH=supergraph.graphql junction serve",
	},
	"dev": {
		"junction dev",
		"junction dev --listen 127.0.0.1:8080",
	},
	"plan": {
		"junction plan --supergraph subgraphs/supergraph.graphql --query query.graphql",
	},
	"version": {
		"junction version",
	},
}

// helpError carries a command's help text; run prints it to stdout and
// exits 0. It unwraps to flag.ErrHelp.
type helpError struct{ text string }

func (h helpError) Error() string { return "help requested" }
func (h helpError) Unwrap() error { return flag.ErrHelp }

// commandHelp is the help of the command whose flag set is fs: usage line,
// summary, every flag with its default, examples.
func commandHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	name := fs.Name()
	fmt.Fprintf(&b, "usage: junction %s [flags]\n", name)
	for _, c := range commands() {
		if c.name == name {
			fmt.Fprintf(&b, "\n%s\n", c.summary)
		}
	}
	b.WriteString(flagList(fs))
	if ex := examples[name]; len(ex) > 0 {
		b.WriteString("\nexamples:\n")
		for _, e := range ex {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	return b.String()
}

// flagList lists fs's flags with their defaults (flag.PrintDefaults'
// format), or "" when it has none.
func flagList(fs *flag.FlagSet) string {
	var b strings.Builder
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return ""
	}
	b.WriteString("\nflags:\n")
	out := fs.Output()
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(out)
	// The flag package accepts -name and --name; the docs write --name.
	return strings.ReplaceAll(b.String(), "\n  -", "\n  --")
}

// runHelp is `junction help [COMMAND]`.
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			return c.run(ctx, []string{"--help"}, stdout, stderr)
		}
	}
	return usageErr("unknown command %q (try: junction help)", args[0])
}

// version is stamped at build time with
// -ldflags "-X main.version=v1.2.3"; without it, the module version and
// VCS revision recorded by the Go toolchain are printed.
var version = ""

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, versionString())
	return err
}

// versionString is "junction VERSION (REVISION[, modified], TIME) GOVERSION".
func versionString() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok {
		v = info.Main.Version
	}
	if v == "" {
		v = "(unknown)"
	}
	var rev, when string
	modified := false
	goVersion := ""
	if ok {
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	out := "junction " + v
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += ", modified"
		}
		if when != "" {
			rev += ", " + when
		}
		out += " (" + rev + ")"
	}
	if goVersion != "" {
		out += " " + goVersion
	}
	return out
}

// newFlagSet returns a flag set for a command that reports errors instead
// of printing them (parseFlags prints help and errors through run).
func newFlagSet(name string) *flag.FlagSet {
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

// flagError turns a flag parsing error of fs into the error run prints:
// help for -h/--help, otherwise the problem followed by the flag list.
func flagError(fs *flag.FlagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return helpError{commandHelp(fs)}
	}
	if strings.Contains(err.Error(), "provided but not defined") {
		return usageErr("%v\n%s", err, flagList(fs))
	}
	return usageErr("%v (junction %s --help lists the flags)", err, fs.Name())
}
