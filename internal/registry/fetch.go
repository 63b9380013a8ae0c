package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// FetchSDL asks a subgraph for its SDL (_service { sdl }), within 10s and
// 16 MiB.
func FetchSDL(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"query":"{ _service { sdl } }"}`))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Service struct{ SDL string } `json:"_service"`
		}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&out); err != nil {
		return "", fmt.Errorf("_service { sdl }: %w", err)
	}
	if out.Data.Service.SDL == "" {
		return "", errors.New("_service { sdl } answered no SDL")
	}
	return out.Data.Service.SDL, nil
}
