package data

import "strings"

// words is the vocabulary of the generated review bodies.
var words = []string{
	"sturdy", "walnut", "finish", "delivery", "arrived", "quickly", "assembly",
	"took", "an", "afternoon", "and", "the", "instructions", "were", "clear",
	"colour", "matches", "photos", "slightly", "warmer", "in", "daylight",
	"comfortable", "for", "long", "evenings", "reading", "though", "cushions",
	"flatten", "after", "a", "month", "would", "buy", "again", "gift", "for",
	"my", "sister", "packaging", "was", "excessive", "but", "nothing", "broke",
	"legs", "wobble", "on", "uneven", "floors", "felt", "pads", "help", "price",
	"fair", "given", "quality", "customer", "service", "answered", "within",
	"hours", "smell", "faded", "week", "fits", "small", "flat", "perfectly",
	"bright", "enough", "desk", "work", "cable", "short", "seams", "neat",
}

// Body returns the deterministic review text of review n (1-based): whole
// sentences drawn from words by a small xorshift generator seeded with n,
// until the text is at least 360 + (n*37 mod 200) characters long.
func Body(n int) string {
	state := uint32(n)*2654435761 + 1
	next := func() uint32 {
		state ^= state << 13
		state ^= state >> 17
		state ^= state << 5
		return state
	}
	target := 360 + (n*37)%200
	var b strings.Builder
	for b.Len() < target {
		count := 6 + int(next()%9)
		for i := range count {
			w := words[next()%uint32(len(words))]
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}
