package executor

import (
	"encoding/json"
	"fmt"

	"github.com/junction-gateway/junction/jsonv"
)

// appendAny writes a Go value (coerced variables) as JSON.
func appendAny(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case string:
		return jsonv.AppendString(buf, x), nil
	case bool:
		if x {
			return append(buf, "true"...), nil
		}
		return append(buf, "false"...), nil
	case json.RawMessage:
		return append(buf, x...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, fmt.Errorf("executor: encode variable: %w", err)
	}
	return append(buf, b...), nil
}
