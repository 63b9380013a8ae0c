package schema

import "errors"

// Sentinels wrapped (with %w) by every error ParseSupergraph returns.
var (
	// ErrInvalidSupergraph: the SDL is not a supergraph this package can
	// serve (syntax error, missing join machinery, unknown graph, bad field
	// set, ...). Every ParseSupergraph error wraps it.
	ErrInvalidSupergraph = errors.New("invalid supergraph")
	// ErrUnsupportedFeature: an @link'ed (or @core'd) feature is required
	// for execution or security, or is a join version, that Junction does
	// not implement. Wrapped together with ErrInvalidSupergraph.
	ErrUnsupportedFeature = errors.New("unsupported feature")
	// ErrInvalidFieldSet: a key / requires / provides field set does not
	// parse or does not match the schema. Wrapped together with
	// ErrInvalidSupergraph.
	ErrInvalidFieldSet = errors.New("invalid field set")
	// ErrSubgraphSDL: the SDL is one subgraph's schema, not a supergraph;
	// it needs composing (Compose). Wrapped together with ErrInvalidSupergraph.
	ErrSubgraphSDL = errors.New("subgraph schema given as a supergraph")
)
