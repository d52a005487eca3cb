package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writePEM writes one PEM block of the given type to dir/name and returns its path.
func writePEM(t *testing.T, dir, name, blockType string, der []byte) string {
	t.Helper()
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// upstreamCA writes the self-signed certificate of an httptest TLS server, which is its own CA.
func upstreamCA(t *testing.T, upstream *httptest.Server, dir string) string {
	return writePEM(t, dir, "upstream-ca.crt", "CERTIFICATE", upstream.Certificate().Raw)
}

// started runs the proxy until the test ends and returns its origin once the port file exists.
func started(t *testing.T, cfg Config) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run after stop: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		port, err := os.ReadFile(cfg.PortFile)
		if err == nil {
			scheme := "http"
			if cfg.CertFile != "" {
				scheme = "https"
			}
			return scheme + "://127.0.0.1:" + string(port)
		}
		select {
		case err := <-done:
			t.Fatalf("run returned before writing the port file: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no port file within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestForwardsARequestToTheUpstreamItTrusts(t *testing.T) {
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization")+" "+r.Proto)
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "from upstream")
	}))
	defer upstream.Close()
	dir := t.TempDir()
	origin := started(t, Config{
		PortFile: filepath.Join(dir, "proxy.port"), Upstream: mustParse(t, upstream.URL), UpstreamCA: upstreamCA(t, upstream, dir),
	})

	req, _ := http.NewRequest("GET", origin+"/api/v1/namespaces/a/configmaps/b?resourceVersion=0", nil)
	req.Header.Set("Authorization", "Bearer t")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusTeapot || string(body) != "from upstream" {
		t.Fatalf("got %d %q", res.StatusCode, body)
	}
	if seen := res.Header.Get("X-Seen"); seen != "GET /api/v1/namespaces/a/configmaps/b?resourceVersion=0 Bearer t HTTP/1.1" {
		t.Fatalf("upstream saw %q", seen)
	}
}

func TestRefusesAnUpstreamItsCADidNotSign(t *testing.T) {
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer upstream.Close()
	dir := t.TempDir()
	// Every httptest server shares one certificate, so the stranger CA is made here.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stranger"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign,
	}
	stranger, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	origin := started(t, Config{
		PortFile: filepath.Join(dir, "proxy.port"), Upstream: mustParse(t, upstream.URL),
		UpstreamCA: writePEM(t, dir, "stranger-ca.crt", "CERTIFICATE", stranger),
	})

	res, err := http.Get(origin + "/version")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadGateway {
		t.Fatalf("got %d, want 502", res.StatusCode)
	}
}

func TestServesHTTPSWithTheGivenPairAndWritesItsPort(t *testing.T) {
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer upstream.Close()
	dir := t.TempDir()
	// The serving pair: the httptest server's own, valid for 127.0.0.1.
	pair := upstream.TLS.Certificates[0]
	key, err := x509.MarshalPKCS8PrivateKey(pair.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		PortFile: filepath.Join(dir, "proxy.port"), Upstream: mustParse(t, upstream.URL), UpstreamCA: upstreamCA(t, upstream, dir),
		CertFile: writePEM(t, dir, "tls.crt", "CERTIFICATE", pair.Certificate[0]),
		KeyFile:  writePEM(t, dir, "tls.key", "PRIVATE KEY", key),
	}
	origin := started(t, cfg)
	port, _ := os.ReadFile(cfg.PortFile)
	if _, err := strconv.Atoi(string(port)); err != nil || !strings.HasPrefix(origin, "https://") {
		t.Fatalf("port file %q, origin %s", port, origin)
	}

	res, err := upstream.Client().Get(origin + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Proto != "HTTP/1.1" || res.TLS == nil {
		t.Fatalf("got %d over %s (TLS %v)", res.StatusCode, res.Proto, res.TLS != nil)
	}
}

func TestKeepsServingAfterAClientAbortsAStreamedAnswer(t *testing.T) {
	// A watch: headers and a first event at once, then nothing until the client goes away.
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "1" {
			io.WriteString(w, "short")
			return
		}
		io.WriteString(w, "{\"type\":\"ADDED\"}\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer upstream.Close()
	dir := t.TempDir()
	origin := started(t, Config{
		PortFile: filepath.Join(dir, "proxy.port"), Upstream: mustParse(t, upstream.URL), UpstreamCA: upstreamCA(t, upstream, dir),
	})

	client := &http.Client{Transport: &http.Transport{}}
	res, err := client.Get(origin + "/api/v1/configmaps?watch=1")
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || line != "{\"type\":\"ADDED\"}\n" {
		t.Fatalf("first event %q, %v", line, err)
	}
	res.Body.Close() // before the answer ends: the connection is dropped

	res, err = client.Get(origin + "/version")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "short" {
		t.Fatalf("after the abort: %d %q", res.StatusCode, body)
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	parsed, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}
