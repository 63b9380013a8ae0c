package server

import (
	"encoding/json"
	"net/http"
)

// Multipart subscriptions as Apollo Client (HttpLink) and Apollo Router
// speak them: a POST (or GET) with
// Accept: multipart/mixed;subscriptionSpec="1.0" is answered 200
// multipart/mixed;boundary="graphql";subscriptionSpec="1.0", each part
// "content-type: application/json" and flushed with the delimiter that
// closes it (the framing of @defer, multipart.go):
//
//	{}                                    a heartbeat (at once, then every subscriptions.keep_alive)
//	{"payload":{"data":{…},"errors":[…]}} one per event
//	{"payload":null,"errors":[…]}         a transport error ending the stream (shutdown: SHUTTING_DOWN)
//
// the last part closed by --graphql--. See stream.go for what is answered
// before the stream starts.

const mediaMultipartSubscription = `multipart/mixed;boundary="graphql";subscriptionSpec="1.0"`

func acceptsMultipartSubscription(accept string) bool {
	p, ok := acceptsMediaType(accept, "multipart/mixed")
	return ok && p["subscriptionspec"] != ""
}

var multipartSubFormat = &streamFormat{
	contentType: mediaMultipartSubscription,
	start:       []byte(multipartStart + partHeader + "{}" + partNext),
	event: func(payload []byte) []byte {
		b := make([]byte, 0, len(partHeader)+len(payload)+len(partNext)+12)
		b = append(append(b, partHeader+`{"payload":`...), payload...)
		return append(b, "}"+partNext...)
	},
	heartbeat: []byte(partHeader + "{}" + partNext),
	complete:  []byte(partHeader + "{}" + partLast),
	fail: func(code, msg string) []byte {
		m, _ := json.Marshal(msg)
		return []byte(partHeader + `{"payload":null,"errors":[{"message":` + string(m) +
			`,"extensions":{"code":"` + code + `"}}]}` + partLast)
	},
}

func (s *Server) serveMultipartSubscription(w http.ResponseWriter, r *http.Request) {
	s.serveStream(w, r, multipartSubFormat)
}
