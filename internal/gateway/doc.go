// Package gateway holds the hot-swappable state {supergraph, planner,
// executor} and the request pipeline: parse, validate, plan, execute.
package gateway
