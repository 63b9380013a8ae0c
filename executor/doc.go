// Package executor runs a planner.Plan: it sends subgraph fetches (in
// parallel where the plan allows), batches entity lookups per Flatten through a
// per-request dataloader, merges the results, and shapes the response in the
// client's selection order with the spec's null propagation. It imports schema
// and planner and nothing under internal/; callers supply a subgraph client.
package executor
