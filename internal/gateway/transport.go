package gateway

import "github.com/junction-gateway/junction/executor"

// WithHTTPOptions adds options to the default subgraph HTTP client
// (compression, connection settings); no effect with WithClient.
func WithHTTPOptions(opts ...executor.HTTPOption) Option {
	return func(o *options) { o.httpOptions = append(o.httpOptions, opts...) }
}
