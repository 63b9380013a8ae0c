package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// key is one verification key, typed by what it is: []byte (HMAC),
// *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey.
type key struct {
	kid string
	alg string // the JWK's alg when it names one
	pub any
}

// minRSABits is the smallest RSA modulus accepted.
const minRSABits = 2048

// fits reports whether k may verify a token signed with alg: the key's
// type decides, never the token.
func (k key) fits(alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	switch pub := k.pub.(type) {
	case []byte:
		return alg == "HS256" || alg == "HS384" || alg == "HS512"
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return pub.Curve == elliptic.P256()
		case "ES384":
			return pub.Curve == elliptic.P384()
		case "ES512":
			return pub.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// errNoUsableKey: a key source held no key Junction can use.
var errNoUsableKey = errors.New("no usable key")

// parseJWKS reads a JSON Web Key Set. Keys of unknown types, "enc" keys,
// symmetric ("oct") keys and RSA keys under 2048 bits are skipped; a set
// with no usable key is an error. Errors never quote key material.
func parseJWKS(raw []byte) ([]key, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	var out []key
	var skipped []string
	for i, rk := range set.Keys {
		k, err := parseJWK(rk)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		if len(skipped) > 0 {
			return nil, fmt.Errorf("%w (%s)", errNoUsableKey, strings.Join(skipped, "; "))
		}
		return nil, errNoUsableKey
	}
	return out, nil
}

type rawJWK struct {
	Kty, Kid, Alg, Use, Crv string
	N, E, X, Y              string
}

func parseJWK(raw json.RawMessage) (key, error) {
	var j rawJWK
	if err := json.Unmarshal(raw, &j); err != nil {
		return key{}, err
	}
	if j.Use != "" && j.Use != "sig" {
		return key{}, fmt.Errorf("use %q is not sig", j.Use)
	}
	k := key{kid: j.Kid, alg: j.Alg}
	switch j.Kty {
	case "RSA":
		n, err1 := b64int(j.N)
		e, err2 := b64int(j.E)
		if err1 != nil || err2 != nil || n.Sign() <= 0 || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
			return key{}, errors.New("malformed RSA key")
		}
		if n.BitLen() < minRSABits {
			return key{}, fmt.Errorf("RSA key of %d bits (at least %d)", n.BitLen(), minRSABits)
		}
		k.pub = &rsa.PublicKey{N: n, E: int(e.Int64())}
	case "EC":
		var curve elliptic.Curve
		switch j.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return key{}, fmt.Errorf("EC curve %q is not supported", j.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err1 := base64.RawURLEncoding.DecodeString(j.X)
		y, err2 := base64.RawURLEncoding.DecodeString(j.Y)
		if err1 != nil || err2 != nil || len(x) != size || len(y) != size {
			return key{}, errors.New("malformed EC key")
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return key{}, errors.New("EC key is not on its curve")
		}
		k.pub = pub
	case "OKP":
		if j.Crv != "Ed25519" {
			return key{}, fmt.Errorf("OKP curve %q is not supported", j.Crv)
		}
		x, err := base64.RawURLEncoding.DecodeString(j.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return key{}, errors.New("malformed Ed25519 key")
		}
		k.pub = ed25519.PublicKey(x)
	case "oct":
		return key{}, errors.New("symmetric keys are not read from a key set (use secret)")
	default:
		return key{}, fmt.Errorf("key type %q is not supported", j.Kty)
	}
	return k, nil
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, errors.New("bad base64url integer")
	}
	return new(big.Int).SetBytes(b), nil
}

// parsePEM reads every public key and certificate in a PEM file. A private
// key is refused: the gateway only verifies.
func parsePEM(raw []byte) ([]key, error) {
	var out []key
	for {
		var b *pem.Block
		b, raw = pem.Decode(raw)
		if b == nil {
			break
		}
		var pub any
		var err error
		switch b.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "RSA PUBLIC KEY":
			pub, err = x509.ParsePKCS1PublicKey(b.Bytes)
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(b.Bytes); err == nil {
				pub = c.PublicKey
			}
		default:
			if strings.Contains(b.Type, "PRIVATE") {
				return nil, errors.New("PEM holds a private key: give the public key")
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("PEM %s block: %w", b.Type, err)
		}
		switch p := pub.(type) {
		case *rsa.PublicKey:
			if p.N.BitLen() < minRSABits {
				return nil, fmt.Errorf("RSA key of %d bits (at least %d)", p.N.BitLen(), minRSABits)
			}
		case *ecdsa.PublicKey, ed25519.PublicKey:
		default:
			return nil, fmt.Errorf("PEM key type %T is not supported", pub)
		}
		out = append(out, key{pub: pub})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no PEM public key or certificate", errNoUsableKey)
	}
	return out, nil
}
