package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

// upstreamConnections matches the Node.js pass-through's undici pool, so both floors may keep as
// many connections to the apiserver open.
const upstreamConnections = 64

// newReverseProxy forwards every request to upstream, trusting only the CA in caFile, over
// HTTP/1.1 keep-alive connections: the protocol the Node.js pass-through and the ControllerMesh
// proxy speak to the apiserver, so the floors differ in their runtime, not their protocol.
// ReverseProxy drops hop-by-hop headers and, with Rewrite, adds no X-Forwarded-* headers; it
// flushes streamed answers (no Content-Length, as watches are) after every write.
func newReverseProxy(upstream *url.URL, caFile string) (*httputil.ReverseProxy, *http.Transport, error) {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, nil, errors.New("no PEM certificate in " + caFile)
	}
	transport := &http.Transport{
		Protocols:           http1Only(),
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		MaxIdleConns:        upstreamConnections,
		MaxIdleConnsPerHost: upstreamConnections,
		MaxConnsPerHost:     upstreamConnections,
	}
	proxy := &httputil.ReverseProxy{
		// SetURL points the request and its Host at the apiserver; path and query pass unchanged.
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(upstream) },
		Transport: transport,
	}
	return proxy, transport, nil
}

// http1Only allows HTTP/1.1 alone, where Go would otherwise offer HTTP/2 over TLS.
func http1Only() *http.Protocols {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	return protocols
}
